# HOOKBOT_FUZZ: libFuzzer targets (fuzz/). Every target gets coverage
# instrumentation and ASan+UBSan; the fuzz executables add libFuzzer's main.
function(hookbot_set_fuzzing target)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HOOKBOT_FUZZ needs clang (CXX=clang++), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(NOT HOOKBOT_SANITIZE STREQUAL "")
    message(FATAL_ERROR "HOOKBOT_FUZZ brings its own sanitizers: leave HOOKBOT_SANITIZE empty")
  endif()
  set(flags -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
            -fno-omit-frame-pointer)
  target_compile_options(${target} INTERFACE ${flags})
  target_link_options(${target} INTERFACE -fsanitize=address,undefined)
endfunction()
