function(hookbot_set_sanitizers target)
  if(HOOKBOT_SANITIZE STREQUAL "address")
    set(flags -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  elseif(HOOKBOT_SANITIZE STREQUAL "thread")
    # -Wno-tsan: GCC warns that TSan does not model atomic_thread_fence, which
    # Asio's headers use; our own fences (the ring's seqlock) pair with atomics
    # TSan does see.
    set(flags -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  elseif(NOT HOOKBOT_SANITIZE STREQUAL "")
    message(FATAL_ERROR "HOOKBOT_SANITIZE must be empty, 'address' or 'thread'")
  endif()
  if(flags)
    # Sanitizer instrumentation makes GCC 12 report -Wmaybe-uninitialized
    # inside Boost.Beast's parser (boost::optional members), and
    # -Wmismatched-new-delete on Asio's coroutine frames (allocated by
    # aligned_new, freed by the frame's own operator delete, which calls
    # aligned_delete): false positives the plain build does not show, so only
    # sanitizer builds drop these warnings.
    target_compile_options(${target} INTERFACE ${flags} -Wno-maybe-uninitialized
                                                        -Wno-mismatched-new-delete)
    target_link_options(${target} INTERFACE ${flags})
  endif()
endfunction()
