// doctest's runner, compiled once for every unit-test program: the
// implementation is large, and each program compiling its own copy cost the
// test command a minute of CPU per build.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
