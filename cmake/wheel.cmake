# `cmake --build <build> --target wheel`: the Python package with this build's libcasreport.so
# inside (casreport/_lib/), as <build>/dist/casreport-<version>-py3-none-<platform>.whl, made by
# bindings/python/_build/native_wheel.py with the standard library only (no PyPI). pip installs
# it offline, and `import casreport` then works from any folder. (Included from the top-level
# CMakeLists.txt.)
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
    message(STATUS "casreport: no Python 3, so no wheel target")
    return()
endif()

set(CASREPORT_WHEEL_DIR ${PROJECT_BINARY_DIR}/dist)
set(_casreport_strip)
if(CMAKE_STRIP)
    set(_casreport_strip --strip ${CMAKE_STRIP})
endif()
add_custom_target(wheel
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/bindings/python/_build/native_wheel.py
            --library $<TARGET_FILE:casreport_c> --version ${PROJECT_VERSION}
            --license ${PROJECT_SOURCE_DIR}/LICENSE --out ${CASREPORT_WHEEL_DIR}
            ${_casreport_strip}
    COMMENT "Building the casreport wheel in ${CASREPORT_WHEEL_DIR}"
    VERBATIM)
add_dependencies(wheel casreport_c)
