# `cmake --install` support: the libraries, their headers and an exported CMake package, so that another
# project can use an installed toolkit with
#   find_package(estimator REQUIRED)
#   target_link_libraries(app PRIVATE estimator::main estimator::layers)
# Installed layout (under the prefix):
#   include/<folder>/...h                    headers, included by repository-relative path ("graph/tensor.h")
#   lib/estimator/lib<target>.a              the libraries (a subfolder, so generic names such as libgraph.a
#                                            cannot clash with other packages)
#   lib/cmake/estimator/estimator*.cmake     the package: targets, config, version
#   bin/estimator                            the command-line program, when it is built
# Included at the end of the top-level CMakeLists.txt, after every library target exists.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ESTIMATOR_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/estimator"
    CACHE STRING "Where the exported CMake package is installed, relative to the prefix")
set(ESTIMATOR_INSTALL_LIBDIR "${CMAKE_INSTALL_LIBDIR}/estimator"
    CACHE STRING "Where the libraries are installed, relative to the prefix")

# The exported libraries. models and estimator_main exist once their folders are part of the build.
set(_estimator_exported graph_tensor graph layers datasets metrics onnx_export estimator_lib configs)
foreach(_target models estimator_main)
  if(TARGET ${_target})
    list(APPEND _estimator_exported ${_target})
  endif()
endforeach()

# Headers are found through the targets themselves: the source tree while building, <prefix>/include once
# installed (the build's directory-wide include path is never exported). The headers need C++20, so users
# of any target compile with it too.
foreach(_target IN LISTS _estimator_exported)
  get_target_property(_type ${_target} TYPE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    set(_scope INTERFACE)
  else()
    set(_scope PUBLIC)
  endif()
  target_include_directories(${_target} ${_scope}
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${_target} ${_scope} cxx_std_20)
endforeach()

# Users see estimator::main (the library holding main() and the subcommands) rather than
# estimator::estimator_main.
if(TARGET estimator_main)
  set_target_properties(estimator_main PROPERTIES EXPORT_NAME main)
endif()

install(TARGETS ${_estimator_exported}
  EXPORT estimatorTargets
  ARCHIVE DESTINATION ${ESTIMATOR_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${ESTIMATOR_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  OBJECTS DESTINATION ${ESTIMATOR_INSTALL_LIBDIR}/objects)

# The command-line program itself (not part of the package: a user project builds its own from
# estimator::main).
if(TARGET estimator)
  get_target_property(_type estimator TYPE)
  if(_type STREQUAL "EXECUTABLE")
    install(TARGETS estimator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()

# Every public header, keeping its path relative to the repository root.
foreach(_folder graph layers datasets metrics estimator configs models cli)
  if(IS_DIRECTORY "${PROJECT_SOURCE_DIR}/${_folder}")
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/${_folder}"
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
      FILES_MATCHING PATTERN "*.h")
  endif()
endforeach()

# The package: estimatorTargets.cmake (imported targets estimator::*), estimatorConfig.cmake (finds the
# dependencies first) and estimatorConfigVersion.cmake.
install(EXPORT estimatorTargets
  NAMESPACE estimator::
  FILE estimatorTargets.cmake
  DESTINATION ${ESTIMATOR_INSTALL_CMAKEDIR})
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/estimatorConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/estimatorConfig.cmake"
  INSTALL_DESTINATION ${ESTIMATOR_INSTALL_CMAKEDIR})
# 0.x releases: a new minor version may change the API, so only the same major.minor is compatible.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/estimatorConfigVersion.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/estimatorConfig.cmake"
  "${PROJECT_BINARY_DIR}/estimatorConfigVersion.cmake"
  DESTINATION ${ESTIMATOR_INSTALL_CMAKEDIR})

# A test that installs this build tree into a fresh prefix, then configures, builds and runs the example
# user project (examples/user_project) against it. It uses the tree as already built: run it after the
# build, like every other test.
if(ESTIMATOR_BUILD_TESTS AND TARGET estimator_main)
  # A ThreadSanitizer build's libraries need the sanitizer at compile and link time in the user project too.
  set(_user_flags "")
  if(ESTIMATOR_TSAN)
    set(_user_flags "-fsanitize=thread")
  endif()
  add_test(NAME user_project_builds
    COMMAND ${CMAKE_COMMAND}
      "-DESTIMATOR_BUILD_DIR=${PROJECT_BINARY_DIR}"
      "-DESTIMATOR_CONFIG=$<CONFIG>"
      "-DUSER_PROJECT_DIR=${PROJECT_SOURCE_DIR}/examples/user_project"
      "-DWORK_DIR=${PROJECT_BINARY_DIR}/user_project_test"
      "-DGENERATOR=${CMAKE_GENERATOR}"
      "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
      "-DCXX_COMPILER=${CMAKE_CXX_COMPILER}"
      "-DUSER_FLAGS=${_user_flags}"
      -P "${PROJECT_SOURCE_DIR}/cmake/test_user_project.cmake")
  set_tests_properties(user_project_builds PROPERTIES
    TIMEOUT 600
    LABELS "install")
endif()
