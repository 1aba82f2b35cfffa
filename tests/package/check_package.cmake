# Installs the build tree's components into a temporary prefix and uses them as a user
# would: the header-only DSL (component dsql_roles) through find_package(dsql_roles) and
# through pkg-config; the libraries and dsqlctl (components dsql_libraries, dsqlctl): a
# spec program linked with find_package(dsql_roles COMPONENTS engine) plans and applies
# against a cluster of the installed dsqlctl; the application side through
# find_package(dsql_client).
#   -DBUILD_DIR=<build tree> -DSOURCE_DIR=<source tree> -DWORK=<scratch dir> -DCXX=<compiler>
#   [-DHEADERS_ONLY=ON: a DSQL_HEADERS_ONLY build, the headers' package only]
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

if(HEADERS_ONLY)
  file(REMOVE_RECURSE ${WORK})
  message(STATUS "installed headers consumed through find_package(dsql_roles) and pkg-config")
  return()
endif()

# 3. The libraries and dsqlctl: a user's spec program (dsql::main<Spec>) linked with
#    find_package(dsql_roles COMPONENTS engine), planning and applying against a cluster
#    of the installed dsqlctl.
step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component dsql_libraries)
step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component dsqlctl)
file(GLOB_RECURSE engine_archive ${prefix}/libdsql_engine.a)
if(NOT EXISTS ${prefix}/bin/dsqlctl OR NOT EXISTS ${prefix}/include/dsql-companions/engine/main.hpp OR
   NOT engine_archive)
  message(FATAL_ERROR "not installed: bin/dsqlctl, include/dsql-companions/engine/main.hpp or libdsql_engine.a")
endif()
step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/engine_consumer -B ${WORK}/engine-build
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX})
step(${CMAKE_COMMAND} --build ${WORK}/engine-build)
# (in /tmp: the server's unprivileged user must reach it when this runs as root)
string(RANDOM LENGTH 8 ALPHABET abcdefghijklmnopqrstuvwxyz0123456789 suffix)
set(cluster /tmp/dsql-package-${suffix})
file(MAKE_DIRECTORY ${cluster})
step(${prefix}/bin/dsqlctl local up --dir ${cluster} --quiet)
function(spec_program expect_status expect_text)
  execute_process(COMMAND ${WORK}/engine-build/spec_program ${ARGN} --dir ${cluster}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL expect_status OR NOT out MATCHES "${expect_text}")
    execute_process(COMMAND ${prefix}/bin/dsqlctl local down --dir ${cluster})
    file(REMOVE_RECURSE ${cluster})
    message(FATAL_ERROR "spec_program ${ARGN}: exit ${status}, expected ${expect_status} and /${expect_text}/:\n${out}")
  endif()
endfunction()
spec_program(3 "Plan for spec \"packaged shop\" on aurora_dsql: 3 to add" plan --exit-code)
spec_program(0 "Apply complete" apply)
spec_program(0 "No changes" plan --prune --exit-code)
step(${prefix}/bin/dsqlctl local down --dir ${cluster})
file(REMOVE_RECURSE ${cluster})

# 4. The application side: find_package(dsql_client) (= dsql_roles COMPONENTS client)
#    -> dsql::client, built and run.
foreach(f include/dsql/client.hpp include/dsql/client/pool.hpp include/dsql-companions/iam/credentials.hpp)
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
message(STATUS "installed packages consumed through find_package(dsql_roles [COMPONENTS engine]), pkg-config and find_package(dsql_client); a spec program planned and applied with the installed dsqlctl's cluster")
