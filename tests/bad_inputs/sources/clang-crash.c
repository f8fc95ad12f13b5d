/* Makes clang itself crash (a debugging pragma): the error must quote the crash and name this file. */
#pragma clang __debug crash
int main(void) { return 0; }
