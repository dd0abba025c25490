# The tool's man page (casreport.1) and bash completion, generated at build time from its own
# --help by cli_docs.py, so that they never disagree with it and a new option needs no edit
# here; installed with the tool. (Included from the top-level CMakeLists.txt when the tool is
# built.)
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
    message(WARNING "casreport: no Python 3, so no man page and no bash completion")
    return()
endif()

set(CASREPORT_MAN_PAGE ${PROJECT_BINARY_DIR}/cli/casreport.1)
set(CASREPORT_BASH_COMPLETION ${PROJECT_BINARY_DIR}/cli/casreport.bash-completion)
add_custom_command(
    OUTPUT ${CASREPORT_MAN_PAGE} ${CASREPORT_BASH_COMPLETION}
    # The tool runs at build time: under a sanitizer build its exit is not a leak check.
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
            ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/cli_docs.py $<TARGET_FILE:casreport_cli>
            --man ${CASREPORT_MAN_PAGE} --completion ${CASREPORT_BASH_COMPLETION}
    DEPENDS casreport_cli ${CMAKE_CURRENT_LIST_DIR}/cli_docs.py
    COMMENT "Writing the man page and the bash completion from casreport --help"
    VERBATIM)
add_custom_target(casreport_cli_docs ALL
    DEPENDS ${CASREPORT_MAN_PAGE} ${CASREPORT_BASH_COMPLETION})

if(CASREPORT_INSTALL)
    install(FILES ${CASREPORT_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
    install(FILES ${CASREPORT_BASH_COMPLETION}
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME casreport)
endif()
