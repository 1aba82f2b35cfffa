// The single Catch2 main of every test executable. Do not add tests here: this file
// takes 10-17 s to compile and is built once.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
