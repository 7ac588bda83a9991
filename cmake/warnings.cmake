# Warnings every target is built with. HOOKBOT_WERROR makes them errors: on
# in the project's own builds, off in a user's or a packager's.
function(hookbot_set_warnings target)
  target_compile_options(${target} INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wimplicit-fallthrough)
  if(HOOKBOT_WERROR)
    target_compile_options(${target} INTERFACE -Werror)
  endif()
endfunction()
