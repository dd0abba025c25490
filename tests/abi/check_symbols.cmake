# Compares the dynamic symbols a shared library defines with a reviewed list.
#   cmake -DNM=<nm> -DLIBRARY=<libcasreport.so> -DEXPECTED=<exported_symbols.txt> -P check_symbols.cmake
execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${LIBRARY}: ${err}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(actual)
foreach(line IN LISTS lines)
    # "<address> <type> <name>[@version]"
    if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] ([^ @]+)")
        list(APPEND actual "${CMAKE_MATCH_1}")
    endif()
endforeach()
list(SORT actual)
list(REMOVE_DUPLICATES actual)

file(STRINGS "${EXPECTED}" expected REGEX "^[^#]")
list(SORT expected)

set(leaked ${actual})
list(REMOVE_ITEM leaked ${expected})
set(removed ${expected})
if(actual)
    list(REMOVE_ITEM removed ${actual})
endif()
if(leaked OR removed)
    list(JOIN leaked "\n  " leaked_text)
    list(JOIN removed "\n  " removed_text)
    message(FATAL_ERROR "the exported symbols of ${LIBRARY} differ from ${EXPECTED}\n"
                        "exported but not listed (leaked, or new and unreviewed):\n  ${leaked_text}\n"
                        "listed but not exported (removed: an ABI break):\n  ${removed_text}")
endif()
list(LENGTH actual n)
message(STATUS "${n} exported symbols, as listed")
