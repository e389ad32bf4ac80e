# Project-wide compile settings and helpers.

# Warnings on, and clean, for every aorta target.
function(aorta_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wimplicit-fallthrough -Werror=return-type)
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR} ${AORTA_GEN_DIR})
endfunction()

# aorta_library(name SOURCES ... [LIBS ...])
function(aorta_library name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  aorta_target_defaults(${name})
  target_link_libraries(${name} PUBLIC ${A_LIBS})
endfunction()

# aorta_test(name SOURCES ... [LIBS ...] [LABELS ...])
# A GoogleTest binary whose cases are registered individually with ctest.
# Label slow tests "slow": the default run (ctest -LE slow) leaves them out.
function(aorta_test name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  aorta_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${A_LIBS} GTest::gtest GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  set(labels unit)
  if(A_LABELS)
    set(labels ${A_LABELS})
  endif()
  # Tests find the source and build trees through these (compiled in: ctest's ENVIRONMENT
  # property does not survive gtest_discover_tests' list handling).
  target_compile_definitions(${name} PRIVATE AORTA_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    AORTA_TEST_BUILD_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    DISCOVERY_TIMEOUT 60)
  # Labels: gtest_discover_tests flattens a list-valued property into separate arguments, so a
  # ctest include file, run after the discovered tests exist (their names are in NAME_TESTS),
  # sets them.
  set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
  file(WRITE ${labels_file}
    "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${labels}\")\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
endfunction()
