#===- gen_version_script.cmake - Version script from CudartApi.def -------===#
#
# Part of cuport. See LICENSE for license information.
#
#===----------------------------------------------------------------------===#
#
# Run with `cmake -P`. Two modes:
#
#   -DMODE=generate -DDEF=<CudartApi.def> -DOUT=<libcudart.map>
#       Writes the linker version script that exports every row of the
#       registry under the version node libcudart.so.13, and nothing else:
#         libcudart.so.13 { global: <names>; local: *; };
#
#   -DMODE=check -DDEF=<CudartApi.def> -DLIB=<libcudart.so.13> -DNM=<nm>
#       Checks that the built library defines and exports every row as
#       name@@libcudart.so.13. A hidden definition passes the link silently
#       and would be caught only here. On failure the library is deleted so
#       that the next build relinks it.
#
# Rows are the lines that start with `CUPORT_API(`; a malformed one is an
# error, so a typo cannot silently drop a function from the ABI.
#
#===----------------------------------------------------------------------===#

cmake_minimum_required(VERSION 3.25)

set(VERSION_NODE "libcudart.so.13")

if(NOT DEF)
  message(FATAL_ERROR "gen_version_script.cmake: pass -DDEF=<CudartApi.def>")
endif()
if(NOT MODE)
  set(MODE generate)
endif()

# Read the names of all rows, in order, checking the row syntax.
file(STRINGS "${DEF}" rows REGEX "^CUPORT_API\\(")
set(row_re "^CUPORT_API\\(([A-Za-z_][A-Za-z0-9_]*), *([A-Za-z]+), *(Implemented|Partial|NotSupported), *\"[^\"]*\"\\)")
set(names)
foreach(row IN LISTS rows)
  if(NOT row MATCHES "${row_re}")
    message(FATAL_ERROR "${DEF}: malformed row: ${row}")
  endif()
  list(APPEND names "${CMAKE_MATCH_1}")
endforeach()
list(LENGTH names count)
set(unique ${names})
list(REMOVE_DUPLICATES unique)
list(LENGTH unique unique_count)
if(count EQUAL 0 OR NOT count EQUAL unique_count)
  message(FATAL_ERROR "${DEF}: ${count} rows, ${unique_count} distinct names")
endif()

if(MODE STREQUAL "generate")
  if(NOT OUT)
    message(FATAL_ERROR "gen_version_script.cmake: pass -DOUT=<map>")
  endif()
  set(text "/* Generated from CudartApi.def by gen_version_script.cmake. */\n")
  string(APPEND text "${VERSION_NODE} {\n  global:\n")
  foreach(name IN LISTS names)
    string(APPEND text "    ${name};\n")
  endforeach()
  string(APPEND text "  local:\n    *;\n};\n")
  file(WRITE "${OUT}" "${text}")

elseif(MODE STREQUAL "check")
  if(NOT LIB OR NOT NM)
    message(FATAL_ERROR "gen_version_script.cmake: pass -DLIB=<lib> -DNM=<nm>")
  endif()
  execute_process(COMMAND "${NM}" -D --defined-only "${LIB}"
                  OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} -D ${LIB} failed")
  endif()
  # Keep the names exported under our node: "<addr> T cudaMalloc@@libcudart.so.13".
  string(REGEX MATCHALL "[A-Za-z_][A-Za-z0-9_]*@@${VERSION_NODE}" exported
         "${symbols}")
  list(TRANSFORM exported REPLACE "@@.*" "")
  set(missing ${names})
  list(REMOVE_ITEM missing ${exported})
  if(missing)
    list(LENGTH missing missing_count)
    list(JOIN missing " " missing_text)
    file(REMOVE "${LIB}")
    message(FATAL_ERROR "${LIB} does not export ${missing_count} registry "
            "function(s) as name@@${VERSION_NODE} (undefined, or hidden "
            "visibility): ${missing_text}")
  endif()

else()
  message(FATAL_ERROR "gen_version_script.cmake: unknown MODE '${MODE}'")
endif()
