# Compiles one compile-fail case with -fsyntax-only and checks the outcome.
#   -DCXX=<compiler> -DSRC=<case.cpp> -DINCLUDE=<include dir> -DFLAGS=<a|b|c> -DMODE=twin|fail
# twin: must compile. fail: compiled with -DDSQL_COMPILE_FAIL, must NOT compile, and the
# compiler's output must contain "static assertion failed: <message>", the message being
# the case's `// expect: <message>` line. A case that compiles can never pass as `fail`.
# A case may also have `// expect-first-line: <text>`: the first line of the compiler's
# diagnostic (after any "In file included from" lines) must contain <text> - how a
# computed sentence (dsql::refused<"...">) or a culprit's name reaches the reader first.
cmake_minimum_required(VERSION 3.25)
foreach(var CXX SRC INCLUDE MODE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_case.cmake: ${var} is not set")
  endif()
endforeach()
string(REPLACE "|" ";" flags "${FLAGS}")
if(MODE STREQUAL "fail")
  list(APPEND flags -DDSQL_COMPILE_FAIL)
endif()
execute_process(
  COMMAND ${CXX} -std=c++20 -fsyntax-only -fno-diagnostics-color ${flags} -I${INCLUDE} ${SRC}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)

if(MODE STREQUAL "twin")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "the positive twin of ${SRC} does not compile:\n${out}")
  endif()
  message(STATUS "twin compiles")
  return()
endif()

file(READ ${SRC} source)
if(NOT source MATCHES "\n// expect: ([^\n]+)\n")
  message(FATAL_ERROR "${SRC} needs a '// expect: <message>' line")
endif()
set(expected "${CMAKE_MATCH_1}")
if(status EQUAL 0)
  message(FATAL_ERROR "${SRC} compiled with -DDSQL_COMPILE_FAIL but must not")
endif()
string(FIND "${out}" "static assertion failed: ${expected}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${SRC} failed without the expected message\n  expected: ${expected}\n  output:\n${out}")
endif()
# One mistake, one message: the rule's sentence is the only static assertion reported.
string(REGEX MATCHALL "static assertion failed" asserts "${out}")
list(LENGTH asserts count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "${SRC}: ${count} static assertions failed, expected exactly one:\n${out}")
endif()
if(source MATCHES "\n// expect-first-line: ([^\n]+)\n")
  set(first_expected "${CMAKE_MATCH_1}")
  # (not split into a CMake list: brackets in diagnostics would merge its elements)
  set(rest "${out}")
  while(rest MATCHES "^(In file included from|                 from) [^\n]*\n")
    string(LENGTH "${CMAKE_MATCH_0}" skip)
    string(SUBSTRING "${rest}" ${skip} -1 rest)
  endwhile()
  string(FIND "${rest}" "\n" nl)
  string(SUBSTRING "${rest}" 0 ${nl} first)
  string(FIND "${first}" "${first_expected}" at_first)
  if(at_first EQUAL -1)
    message(FATAL_ERROR "${SRC}: the first diagnostic line does not name the culprit\n  expected in it: "
                        "${first_expected}\n  first line: ${first}")
  endif()
  message(STATUS "first line: ${first}")
endif()
message(STATUS "refused with: ${expected}")
