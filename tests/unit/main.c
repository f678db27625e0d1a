/* main.c - runs every Check suite of tests/unit in one runner.
 * The list comes from suites.h, generated from the 'Suite *NAME_suite(void)'
 * definitions, so adding a test file is all it takes to run it. */
#include <stdlib.h>

#include <check.h>

#include "jsonmem.h"

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE

int main(void)
{
	jsonmem_install();
	SRunner *runner = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(runner, name##_suite());
#include "suites.h"
#undef SUITE
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
