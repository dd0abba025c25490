# Runs the casreport CLI and checks its exit status and, optionally, its exact output.
#   -DCLI=<path> -DARGS=<;-list> -DEXPECT_EXIT=<n> [-DEXPECT_OUTPUT=<file>] [-DSTDIN=<file>]
#   [-DEXPECT_STDERR=<regex>] [-DEXPECT_STDOUT=<regex>] [-DREJECT_STDOUT=<regex>]
#   [-DWORKDIR=<dir>]
if(NOT WORKDIR)
    set(WORKDIR ".")
endif()
set(input_args)
if(STDIN)
    set(input_args INPUT_FILE "${STDIN}")
endif()
execute_process(
    COMMAND "${CLI}" ${ARGS}
    WORKING_DIRECTORY "${WORKDIR}"
    ${input_args}
    RESULT_VARIABLE status
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
if(NOT status STREQUAL EXPECT_EXIT)
    message(FATAL_ERROR "exit status ${status}, expected ${EXPECT_EXIT}\nstderr:\n${err}")
endif()
if(EXPECT_OUTPUT)
    file(READ "${EXPECT_OUTPUT}" expected)
    if(NOT out STREQUAL expected)
        file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/cli_actual_output.txt" "${out}")
        message(FATAL_ERROR "output differs from ${EXPECT_OUTPUT}; actual output written to "
                            "${CMAKE_CURRENT_BINARY_DIR}/cli_actual_output.txt")
    endif()
endif()
if(EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
    message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}':\n${err}")
endif()
if(EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
    message(FATAL_ERROR "stdout does not match '${EXPECT_STDOUT}':\n${out}")
endif()
if(REJECT_STDOUT AND out MATCHES "${REJECT_STDOUT}")
    message(FATAL_ERROR "stdout matches '${REJECT_STDOUT}', which it must not:\n${out}")
endif()
