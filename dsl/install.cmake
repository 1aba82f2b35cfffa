# Installation of the compiled companions (included by dsl/CMakeLists.txt).
#
#   component dsql_libraries  the static libraries of the engine and of the application
#                             side, with their headers:
#                               find_package(dsql_roles COMPONENTS engine) -> dsql::engine
#                                 (#include <engine/main.hpp>: dsql::main<Spec>)
#                               find_package(dsql_roles COMPONENTS client) -> dsql::client
#                                 (#include <dsql/client.hpp>: dsql::connect, dsql::pool)
#                               find_package(dsql_roles COMPONENTS testing) -> dsql::testing
#                                 (#include <dsql/testing.hpp>: the access matrix)
#   component dsqlctl         the dsqlctl program (bin/)
# The header-only DSL is component dsql_roles (the top-level CMakeLists.txt); the
# dsql_iam extension is installed by PGXS (make install-extension).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Every static library the two public ones link, privately included: a static library's
# consumer links its dependencies too. Exported as dsql::<name>.
set(DSQL_INSTALLED_LIBRARIES
    dsql_engine:engine dsql_client:client dsql_testing:testing dsql_aws:aws dsql_sigv4:sigv4 dsql_policy:policy
    dsql_iam_local:iam_local dsql_local:local dsql_front:front dsql_dialect:dialect)
set(targets)
foreach(pair ${DSQL_INSTALLED_LIBRARIES})
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 target)
  list(GET pair 1 export_name)
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
  list(APPEND targets ${target})
endforeach()
install(TARGETS ${targets} EXPORT dsql_rolesLibraryTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dsql_libraries)
install(EXPORT dsql_rolesLibraryTargets NAMESPACE dsql:: DESTINATION ${DSQL_CMAKE_DIR} COMPONENT dsql_libraries)

# Headers: the engine's public ones (dsql::main, the command line, plan/apply) and the
# application side's, with the credential API they name.
install(FILES engine/main.hpp engine/cli.hpp engine/engine.hpp
        DESTINATION include/dsql-companions/engine COMPONENT dsql_libraries)
install(DIRECTORY client/dsql testing/dsql DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dsql_libraries
        FILES_MATCHING PATTERN "*.hpp")
install(FILES iam/token.hpp iam/credentials.hpp iam/config_file.hpp iam/sts.hpp iam/http.hpp
        DESTINATION include/dsql-companions/iam COMPONENT dsql_libraries)

# What the package's configuration needs to recreate (dsql_rolesConfig.cmake includes it).
file(WRITE ${PROJECT_BINARY_DIR}/dsql_rolesLibraryDependencies.cmake [=[
# The libraries the installed static libraries of dsql-roles link (component dsql_libraries).
include(CMakeFindDependencyMacro)
find_dependency(OpenSSL)
find_dependency(CURL)
find_dependency(EXPAT)
find_dependency(Threads)
find_dependency(nlohmann_json 3)
find_dependency(PkgConfig)
foreach(dsql_dep DSQL_PQXX:libpqxx DSQL_PQ:libpq DSQL_SQLITE3:sqlite3)
  string(REPLACE ":" ";" dsql_dep "${dsql_dep}")
  list(GET dsql_dep 0 dsql_prefix)
  list(GET dsql_dep 1 dsql_module)
  if(NOT TARGET PkgConfig::${dsql_prefix})
    pkg_check_modules(${dsql_prefix} REQUIRED IMPORTED_TARGET ${dsql_module})
  endif()
endforeach()
]=])
install(FILES ${PROJECT_BINARY_DIR}/dsql_rolesLibraryDependencies.cmake
        DESTINATION ${DSQL_CMAKE_DIR} COMPONENT dsql_libraries)

# find_package(dsql_client): the application side's earlier package name, kept working.
file(WRITE ${PROJECT_BINARY_DIR}/dsql_clientConfig.cmake [=[
# find_package(dsql_client) is find_package(dsql_roles COMPONENTS client): dsql::client.
include(CMakeFindDependencyMacro)
find_dependency(dsql_roles COMPONENTS client PATHS "${CMAKE_CURRENT_LIST_DIR}/../dsql_roles" NO_DEFAULT_PATH)
]=])
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dsql_clientConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dsql_clientConfig.cmake ${PROJECT_BINARY_DIR}/dsql_clientConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dsql_client COMPONENT dsql_libraries)

install(TARGETS dsqlctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT dsqlctl)
