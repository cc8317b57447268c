/*
 * The in-kernel test image. Runs every test case linked into it, or those
 * named on the command line by suite or suite.name prefix:
 *   ktest                 all
 *   ktest event alloc     the event and alloc suites
 * Exits with the number of failed cases (0: all passed).
 */
#include <uk/test.h>

int main(int argc, char *argv[])
{
	int failed = uk_test_run((const char *const *)argv + 1, argc - 1);

	return failed > 125 ? 125 : failed;
}
