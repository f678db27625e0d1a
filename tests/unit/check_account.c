/* check_account.c - the simulated account on its own: notifications a
 * deployment declares are delivered as EventBridge events, and the API's
 * errors carry AWS's codes. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "account.h"
#include "doc.h"
#include "loader.h"
#include "banned.h"

struct fixture {
	struct doc *config;
	struct loaded_file lf;
	struct account *a;
	struct diag_list diags;
};

static void setup(struct fixture *f, const char *step)
{
	memset(f, 0, sizeof(*f));
	f->config = doc_new("course/stepbook.yml");
	ck_assert_int_eq(doc_load(f->config, &f->diags), 0);
	struct account_options o = { NULL, NULL, 1704067200000LL, 7,
		cJSON_GetObjectItemCaseSensitive(f->config->root, "mocks"),
		cJSON_GetObjectItemCaseSensitive(f->config->root, "api_keys"), NULL };
	f->a = account_new(&o);
	ck_assert_int_eq(loader_load(&f->lf, step, NULL, &f->diags), 0);
	ck_assert_int_eq(account_deploy(f->a, &f->lf, NULL, &f->diags), 0);
}

static void teardown(struct fixture *f)
{
	account_free(f->a);
	loader_release(&f->lf);
	doc_free(f->config);
	diag_list_release(&f->diags);
}

START_TEST(notifications_are_delivered)
{
	struct fixture f;
	setup(&f, "course/102/saved-steps/07-notifications.yml");
	cJSON *input = cJSON_Parse("{\"name\":\"Katherine\"}");
	struct account_request rq = { .op = ACCOUNT_INVOKE, .machine = "StarterMachine",
				      .input = input };
	struct account_response rs;
	ck_assert_int_eq(account_call(f.a, &rq, &rs), 0);
	const cJSON *d = account_notifications(f.a);
	ck_assert_int_eq(cJSON_GetArraySize(d), 2);
	const char *want[] = { "RUNNING", "SUCCEEDED" };
	for (int i = 0; i < 2; i++) {
		const cJSON *e = cJSON_GetArrayItem(d, i);
		const cJSON *detail = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "event"), "detail");
		ck_assert_str_eq(cJSON_GetObjectItem(detail, "status")->valuestring, want[i]);
		ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "target"), "lambda"));
	}
	account_response_release(&rs);
	cJSON_Delete(input);
	teardown(&f);
}
END_TEST

START_TEST(errors_carry_aws_codes)
{
	struct fixture f;
	setup(&f, "course/102/saved-steps/07-notifications.yml");
	struct account_request rq = { .op = ACCOUNT_DESCRIBE,
		.execution_arn = "arn:aws:states:eu-west-1:123456789012:execution:X:y" };
	struct account_response rs;
	ck_assert_int_eq(account_call(f.a, &rq, &rs), -1);
	ck_assert_str_eq(rs.error, "ExecutionDoesNotExist");
	account_response_release(&rs);
	rq = (struct account_request){ .op = ACCOUNT_TASK_SUCCESS, .token = "abc" };
	ck_assert_int_eq(account_call(f.a, &rq, &rs), -1);
	ck_assert_str_eq(rs.error, "InvalidToken");
	account_response_release(&rs);
	rq = (struct account_request){ .op = ACCOUNT_HTTP, .method = "GET", .path = "/dev/nowhere" };
	ck_assert_int_eq(account_call(f.a, &rq, &rs), -1);
	ck_assert_int_eq(rs.status, 403);
	ck_assert_str_eq(rs.message, "Missing Authentication Token");
	account_response_release(&rs);
	teardown(&f);
}
END_TEST

Suite *account_suite(void)
{
	Suite *s = suite_create("account");
	TCase *t = tcase_create("account");
	tcase_add_test(t, notifications_are_delivered);
	tcase_add_test(t, errors_carry_aws_codes);
	suite_add_tcase(s, t);
	return s;
}
