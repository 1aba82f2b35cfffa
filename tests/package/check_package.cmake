# Installs the dsql_roles component of the build tree into a temporary prefix, then
# builds tests/package/consumer against it twice: with find_package(dsql_roles) and
# with the pkg-config file; runs each consumer and checks its output.
#   -DBUILD_DIR=<build tree> -DSOURCE_DIR=<source tree> -DWORK=<scratch dir> -DCXX=<compiler>
cmake_minimum_required(VERSION 3.25)
foreach(var BUILD_DIR SOURCE_DIR WORK CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_package.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)

function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component dsql_roles)
foreach(f include/dsql/roles.hpp include/dsql/detail/rule_define.hpp lib/cmake/dsql_roles/dsql_rolesConfig.cmake
          share/pkgconfig/dsql_roles.pc)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# 1. CMake package.
step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK}/build -DCMAKE_PREFIX_PATH=${prefix}
     -DCMAKE_CXX_COMPILER=${CXX})
step(${CMAKE_COMMAND} --build ${WORK}/build)
step(${WORK}/build/consumer)
if(NOT step_output MATCHES "\nAWS IAM GRANT \"api\" TO 'arn:aws:iam::123456789012:role/ApiRole';\n")
  message(FATAL_ERROR "the CMake consumer printed an unexpected bootstrap:\n${step_output}")
endif()

# 2. pkg-config.
set(ENV{PKG_CONFIG_PATH} ${prefix}/share/pkgconfig)
step(pkg-config --cflags dsql_roles)
string(STRIP "${step_output}" cflags)
separate_arguments(cflags UNIX_COMMAND "${cflags}")
step(${CXX} ${cflags} ${SOURCE_DIR}/tests/package/consumer/main.cpp -o ${WORK}/consumer-pc)
step(${WORK}/consumer-pc)
if(NOT step_output MATCHES "\nAWS IAM GRANT \"api\" TO 'arn:aws:iam::123456789012:role/ApiRole';\n")
  message(FATAL_ERROR "the pkg-config consumer printed an unexpected bootstrap:\n${step_output}")
endif()

# 3. The application side: find_package(dsql_client) -> dsql::client, built and run.
step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component dsql_client)
foreach(f include/dsql/client.hpp include/dsql/client/pool.hpp include/dsql-companions/iam/credentials.hpp
          lib/cmake/dsql_client/dsql_clientConfig.cmake)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(WRITE ${WORK}/ca.pem "not read: the consumer only builds a connection string\n")
step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/client_consumer -B ${WORK}/client-build
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX})
step(${CMAKE_COMMAND} --build ${WORK}/client-build)
step(${WORK}/client-build/client_consumer ${WORK}/ca.pem)
if(NOT step_output STREQUAL "region eu-west-1\nverify-full\ntoken\n")
  message(FATAL_ERROR "the dsql_client consumer printed:\n${step_output}")
endif()
file(REMOVE_RECURSE ${WORK})
message(STATUS "installed packages consumed through find_package(dsql_roles), pkg-config and find_package(dsql_client)")
