# Installs a built estimator tree into a fresh prefix, then configures, builds and runs the example user
# project against the installed package. Run in script mode (cmake/install.cmake registers it with ctest):
#   cmake -DESTIMATOR_BUILD_DIR=<build> -DESTIMATOR_CONFIG=Release -DUSER_PROJECT_DIR=<src>/examples/user_project
#         -DWORK_DIR=<scratch dir, emptied first> -DGENERATOR=Ninja [-DMAKE_PROGRAM=...] [-DCXX_COMPILER=...]
#         [-DUSER_FLAGS=<compile and link flags for the user project, e.g. -fsanitize=thread>]
#         -P cmake/test_user_project.cmake
# Checks: the install succeeds; the project finds the package and builds; its program lists the model it
# registers; `train` exits 0 and leaves the checkpoint of the last step (model.ckpt-20.safetensors, naming
# the model's variables and global_step) recorded in the checkpoint index; `evaluate` exits 0 and writes
# eval/metrics.json for step 20 over the 40 rows of data.csv, with an accuracy.

foreach(_var ESTIMATOR_BUILD_DIR USER_PROJECT_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "test_user_project.cmake: -D${_var}=... is required")
  endif()
endforeach()
if(NOT DEFINED ESTIMATOR_CONFIG OR ESTIMATOR_CONFIG STREQUAL "")
  set(ESTIMATOR_CONFIG Release)
endif()

set(_prefix "${WORK_DIR}/prefix")
set(_build "${WORK_DIR}/build")
set(_model_dir "${WORK_DIR}/model")
# my_model.yaml trains 4 epochs of 40 rows in batches of 8.
set(_last_step 20)

# _run(<what> <out_var> COMMAND <command...> [WORKING_DIRECTORY <dir>]): runs the command (in WORK_DIR by
# default) and stops the test with its output when it fails or runs over 300 s; its stdout is left in
# <out_var>.
function(_run what out_var)
  cmake_parse_arguments(PARSE_ARGV 2 _arg "" "WORKING_DIRECTORY" "COMMAND")
  if(NOT _arg_WORKING_DIRECTORY)
    set(_arg_WORKING_DIRECTORY "${WORK_DIR}")
  endif()
  string(TIMESTAMP _start "%s")
  execute_process(COMMAND ${_arg_COMMAND}
    WORKING_DIRECTORY "${_arg_WORKING_DIRECTORY}"
    TIMEOUT 300
    RESULT_VARIABLE _rc
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _err)
  string(TIMESTAMP _end "%s")
  math(EXPR _secs "${_end} - ${_start}")
  if(NOT _rc STREQUAL "0")
    message(FATAL_ERROR "${what} failed (exit ${_rc}):\n  ${_arg_COMMAND}\n--- stdout\n${_out}\n--- stderr\n${_err}")
  endif()
  message(STATUS "${what}: ok (${_secs} s)")
  set(${out_var} "${_out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# 1. Install the already-built tree.
_run("install" _out COMMAND "${CMAKE_COMMAND}" --install "${ESTIMATOR_BUILD_DIR}" --prefix "${_prefix}"
  --config "${ESTIMATOR_CONFIG}")
file(GLOB_RECURSE _package_config "${_prefix}/*/estimatorConfig.cmake")
if(NOT _package_config)
  message(FATAL_ERROR "the install into ${_prefix} has no estimatorConfig.cmake")
endif()
if(NOT EXISTS "${_prefix}/include/graph/tensor.h" OR NOT EXISTS "${_prefix}/include/estimator/model_registry.h")
  message(FATAL_ERROR "the install into ${_prefix} lacks the headers (include/graph/tensor.h, "
                      "include/estimator/model_registry.h)")
endif()

# 2. Configure the user project against the installed package only.
set(_configure "${CMAKE_COMMAND}" -S "${USER_PROJECT_DIR}" -B "${_build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${_prefix}" "-DCMAKE_BUILD_TYPE=${ESTIMATOR_CONFIG}")
if(MAKE_PROGRAM)
  list(APPEND _configure "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND _configure "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(USER_FLAGS)
  list(APPEND _configure "-DCMAKE_CXX_FLAGS=${USER_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${USER_FLAGS}")
endif()
_run("configure" _out COMMAND ${_configure})

# 3. Build it.
_run("build" _out COMMAND "${CMAKE_COMMAND}" --build "${_build}" --config "${ESTIMATOR_CONFIG}")
find_program(_program my_estimator PATHS "${_build}" "${_build}/${ESTIMATOR_CONFIG}" NO_DEFAULT_PATH)
if(NOT _program)
  message(FATAL_ERROR "the build in ${_build} produced no my_estimator program")
endif()

# 4. The program knows the model my_model.cc registers.
_run("list-models" _models COMMAND "${_program}" list-models)
if(NOT _models MATCHES "(^|[ \t\r\n])my_model([ \t\r\n]|$)")
  message(FATAL_ERROR "`my_estimator list-models` does not list my_model; it printed:\n${_models}")
endif()

# 5. Train from the project's folder (the config's data path is relative to it), then check the checkpoint.
set(ENV{OMP_NUM_THREADS} 1)
_run("train" _out COMMAND "${_program}" train --config my_model.yaml --model_dir "${_model_dir}"
  WORKING_DIRECTORY "${USER_PROJECT_DIR}")
set(_ckpt "${_model_dir}/model.ckpt-${_last_step}.safetensors")
if(NOT EXISTS "${_ckpt}")
  file(GLOB _found RELATIVE "${_model_dir}" "${_model_dir}/*")
  message(FATAL_ERROR "training left no ${_ckpt}; ${_model_dir} holds: ${_found}")
endif()
# A safetensors file is an 8-byte little-endian header length, then the JSON header naming every tensor.
file(READ "${_ckpt}" _length_hex LIMIT 8 HEX)
string(LENGTH "${_length_hex}" _hex_digits)
if(NOT _hex_digits EQUAL 16)
  message(FATAL_ERROR "${_ckpt}: shorter than a safetensors header")
endif()
set(_big_endian "")
foreach(_byte RANGE 3 0 -1)  # the low four bytes; a header over 4 GiB is not what this test expects
  math(EXPR _at "${_byte} * 2")
  string(SUBSTRING "${_length_hex}" ${_at} 2 _pair)
  string(APPEND _big_endian "${_pair}")
endforeach()
math(EXPR _header_length "0x${_big_endian}")
file(READ "${_ckpt}" _header OFFSET 8 LIMIT ${_header_length})
foreach(_name "\"global_step\"" "\"hidden/kernel\"" "\"logits/kernel\"")
  string(FIND "${_header}" "${_name}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "${_ckpt}: the header does not name the tensor ${_name}")
  endif()
endforeach()
file(READ "${_model_dir}/checkpoint" _index)
string(FIND "${_index}" "model.ckpt-${_last_step}.safetensors" _at)
if(_at EQUAL -1)
  message(FATAL_ERROR "${_model_dir}/checkpoint does not name model.ckpt-${_last_step}.safetensors:\n${_index}")
endif()

# 6. Evaluate the trained model on the 40 rows of data.csv (batches of 40: one batch).
_run("evaluate" _out COMMAND "${_program}" evaluate --config my_model.yaml --model_dir "${_model_dir}"
  WORKING_DIRECTORY "${USER_PROJECT_DIR}")
set(_results "${_model_dir}/eval/metrics.json")
if(NOT EXISTS "${_results}")
  message(FATAL_ERROR "evaluation wrote no ${_results}")
endif()
file(READ "${_results}" _json)
foreach(_key global_step num_examples)
  string(JSON _value ERROR_VARIABLE _json_error GET "${_json}" ${_key})
  if(_json_error)
    message(FATAL_ERROR "${_results}: ${_json_error}\n${_json}")
  endif()
  set(_${_key} "${_value}")
endforeach()
if(NOT _global_step EQUAL ${_last_step} OR NOT _num_examples EQUAL 40)
  message(FATAL_ERROR "${_results}: expected global_step ${_last_step} and num_examples 40, got "
                      "${_global_step} and ${_num_examples}")
endif()
string(JSON _accuracy ERROR_VARIABLE _json_error GET "${_json}" metrics accuracy)
if(_json_error)
  message(FATAL_ERROR "${_results}: no metrics.accuracy (${_json_error})")
endif()
message(STATUS "user project: installed, built, trained to step ${_last_step}, evaluated (accuracy ${_accuracy})")
