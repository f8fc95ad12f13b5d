# CMake toolchain file: C (and assembly) through mcusplit cc, with split stacks, for one board.
#
#   cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=<mcusplit>/cmake/mcusplit.cmake -DMCUSPLIT_BOARD=qemu-mps2-an386
#   cmake --build build        # executables are <name>.elf, with .bin .hex .map .build.json beside them
#
# Cache variables:
#   MCUSPLIT_BOARD   the board (`mcusplit boards`; name, name@variant or a board .toml file)
#   MCUSPLIT_CONFIG  an mcusplit.toml with [pool] / [split_stack] settings (optional)
#   MCUSPLIT_CC      the driver (default: mcusplit-cc on PATH, installed with the package)
#
# The board goes into every compile and link command as --mcusplit-board (so objects and the
# link agree, and try_compile projects get it too), with the GCC flags of its core (-mcpu,
# -mthumb, -mfloat-abi, -mfpu), which mcusplit cc checks against the board. A -DCMAKE_C_FLAGS=...
# of the user's own does not lose them.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(MCUSPLIT_BOARD "qemu-mps2-an386" CACHE STRING "mcusplit board (see `mcusplit boards`)")
set(MCUSPLIT_CONFIG "" CACHE FILEPATH "mcusplit.toml with pool and split-stack settings (optional)")
find_program(MCUSPLIT_CC NAMES mcusplit-cc DOC "the mcusplit cc driver")
if(NOT MCUSPLIT_CC)
    message(FATAL_ERROR "mcusplit-cc not found: install mcusplit (pip install -e .) or set -DMCUSPLIT_CC=/path/to/mcusplit-cc")
endif()
# try_compile projects read this file again: hand them the same board, config and driver.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MCUSPLIT_BOARD MCUSPLIT_CONFIG MCUSPLIT_CC)

set(CMAKE_C_COMPILER "${MCUSPLIT_CC}")
set(CMAKE_ASM_COMPILER "${MCUSPLIT_CC}")
# Firmware is linked by mcusplit cc only; a library build is enough to test the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

execute_process(COMMAND "${MCUSPLIT_CC}" "--mcusplit-board=${MCUSPLIT_BOARD}" --mcusplit-print-flags
                OUTPUT_VARIABLE _mcusplit_core_flags ERROR_VARIABLE _mcusplit_error
                RESULT_VARIABLE _mcusplit_status OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _mcusplit_status EQUAL 0)
    message(FATAL_ERROR "MCUSPLIT_BOARD=${MCUSPLIT_BOARD}: ${_mcusplit_error}")
endif()

# The board and config reach every command three ways, each for a reason:
# - the environment, while cmake configures: CMake's compiler identification and try_compile
#   run the compiler with CMAKE_C_FLAGS only, which a user's -DCMAKE_C_FLAGS=... replaces;
# - add_compile_options / add_link_options: every compile and link of the project (and of the
#   try_compile projects, which read this file again), whatever CMAKE_C_FLAGS says;
# - the core's GCC flags in CMAKE_<LANG>_FLAGS_INIT, for the reader of the command lines (the board
#   decides the core; mcusplit cc checks that they agree).
set(_mcusplit_flags "--mcusplit-board=${MCUSPLIT_BOARD}")
set(ENV{MCUSPLIT_BOARD} "${MCUSPLIT_BOARD}")
if(MCUSPLIT_CONFIG)
    get_filename_component(_mcusplit_config "${MCUSPLIT_CONFIG}" ABSOLUTE)
    list(APPEND _mcusplit_flags "--mcusplit-config=${_mcusplit_config}")
    set(ENV{MCUSPLIT_CONFIG} "${_mcusplit_config}")
endif()
add_compile_options(${_mcusplit_flags})
add_link_options(${_mcusplit_flags})
set(CMAKE_C_FLAGS_INIT "${_mcusplit_core_flags}")
set(CMAKE_ASM_FLAGS_INIT "${_mcusplit_core_flags}")

# Static libraries: any ar that writes a symbol index (GNU ar, llvm-ar, arm-none-eabi-ar).
find_program(CMAKE_AR NAMES llvm-ar arm-none-eabi-ar ar)
find_program(CMAKE_RANLIB NAMES llvm-ranlib arm-none-eabi-ranlib ranlib)

set(CMAKE_EXECUTABLE_SUFFIX ".elf")
set(CMAKE_EXECUTABLE_SUFFIX_C ".elf")
set(CMAKE_EXECUTABLE_SUFFIX_ASM ".elf")
