/* exec_distmap.c - one attempt of a Distributed Map, as a Map Run: the
 * items (ItemReader from the folder standing for S3, or ItemsPath), the
 * numbers that steer the run (MaxConcurrency, the tolerated failures, the
 * batch bounds, each literal or ...Path, checked as AWS checks them at run
 * time), ItemSelector and ItemBatcher, then the child executions as the
 * Map's iterations on the scheduler (exec_map_items_, MaxConcurrency at a
 * time; past the tolerated failures the running ones are aborted) and the
 * run's result: the outputs, or what ResultWriter wrote.  Events:
 * MapStateStarted, MapRunStarted, MapRunSucceeded | MapRunFailed |
 * MapRunAborted, MapStateSucceeded | MapStateFailed | MapStateAborted; the
 * children's own events stay in their histories.
 * Not here: the child executions and the ResultWriter export
 * (exec_distmap_run.c), reading objects (itemreader.h). */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataflow.h"
#include "exec_distmap.h"
#include "itemreader.h"
#include "xalloc.h"
#include "banned.h"

/* ---- numbers: literal or ...Path ---------------------------------------- */

/* The JSON text of v for a cause: strings as they are, others printed. */
static void value_text(const cJSON *v, struct buf *out)
{
	if (cJSON_IsString(v))
		buf_adds(out, v->valuestring);
	else
		exec_json_(v, out);
}

/* An integer as AWS reads a ...Path value: a number (its integer part) or a
 * string of digits.  Returns 0 with *n, -1 when v is neither. */
static int integer_of(const cJSON *v, double *n)
{
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
		*n = trunc(v->valuedouble);
		return 0;
	}
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return -1;
	char *end;
	double d = strtod(v->valuestring, &end);
	if (*end || !isfinite(d) || d != trunc(d) || strpbrk(v->valuestring, ".eE"))
		return -1;
	*n = d;
	return 0;
}

static int bad_path_value(struct frame *fr, const char *field,
			  const struct asl_expr *path, const cJSON *v,
			  const char *what)
{
	struct buf t = BUF_INIT;
	value_text(v, &t);
	exec_err_state_(&fr->err, fr, "States.Runtime",
			"The %s field refers to value \"%s\" which is not a "
			"valid %s: %s", field, t.ptr, what, asl_expr_text(path));
	buf_release(&t);
	return -1;
}

/* The field as a JSONata expression: a number in the spec's range (an
 * integer unless fractional), else States.QueryEvaluationError. */
static int jsonata_number(struct exec *x, struct frame *fr,
			  const struct distmap_number *spec, double *out)
{
	int bad;
	cJSON *v = fr->flow->value(x, fr, spec->jsonata, fr->eff, &bad);
	if (!v)
		return -1;
	double n = cJSON_IsNumber(v) ? v->valuedouble : -1;
	int rc = 0;
	if (cJSON_IsNumber(v) && n >= spec->min && n <= spec->max &&
	    (spec->fractional || n == floor(n)))
		*out = n;
	else
		rc = dataflow_jsonata_type_error(x, fr, spec->jsonata, v,
			spec->fractional ? "a non-negative number"
			: spec->min >= 1 ? "a positive integer"
			: "a non-negative integer");
	cJSON_Delete(v);
	return rc;
}

int exec_distmap_number_(struct exec *x, struct frame *fr,
			 const struct distmap_number *spec, double *out)
{
	*out = -1;
	if (spec->jsonata && spec->jsonata->nr_parts)
		return jsonata_number(x, fr, spec, out);
	if (cJSON_IsNumber(spec->literal)) {
		*out = spec->literal->valuedouble;
		return 0;
	}
	if (!spec->path || !cJSON_IsString(spec->path->json))
		return 0;
	cJSON *owned = NULL;
	const cJSON *v = fr->flow->select(x, fr, spec->path, fr->eff, &owned);
	if (!v)
		return -1;
	double n;
	int rc = 0;
	if (integer_of(v, &n))
		rc = bad_path_value(fr, spec->path_name, spec->path, v, "integer");
	else if (n < spec->min || n > spec->max)
		rc = bad_path_value(fr, spec->path_name, spec->path, v, spec->range);
	else
		*out = n;
	cJSON_Delete(owned);
	return rc;
}

/* MaxConcurrency(Path) of any Map: 0 means AWS's cap. */
int exec_map_max_concurrency_(struct exec *x, struct frame *fr, long *out)
{
	const struct asl_state *s = fr->state;
	struct distmap_number spec = {
		s->max_concurrency, &s->compiled->max_concurrency_path,
		"MaxConcurrencyPath", 0, 2147483647.0, "integer",
		&s->compiled->max_concurrency, 0
	};
	double n;
	*out = 0;
	if (cJSON_IsString(s->max_concurrency_path) &&
	    !cJSON_IsNumber(s->max_concurrency) && !spec.jsonata->nr_parts) {
		cJSON *owned = NULL;
		const cJSON *v = fr->flow->select(x, fr, spec.path, fr->eff, &owned);
		if (!v)
			return -1;
		int rc = integer_of(v, &n);
		if (rc)
			bad_path_value(fr, "MaxConcurrencyPath", spec.path, v, "integer");
		else if (n < 0)
			exec_err_state_(&fr->err, fr, "States.Runtime",
					"Expected non-negative integer for "
					"MaxConcurrency, got '%.0f' instead.", n);
		cJSON_Delete(owned);
		if (rc || n < 0)
			return -1;
		*out = n > 2147483647.0 ? 2147483647L : (long)n;
		return 0;
	}
	if (exec_distmap_number_(x, fr, &spec, &n))
		return -1;
	*out = n > 0 ? (long)n : 0;
	return 0;
}

/* ---- the items ---------------------------------------------------------- */

int exec_distmap_parameters_(struct exec *x, struct frame *fr,
			     const struct asl_expr *e, cJSON **out)
{
	if (!e->json) { /* none: the reader or writer says what it misses */
		*out = cJSON_CreateObject();
		return 0;
	}
	return fr->flow->arguments(x, fr, e, fr->eff, out);
}

static const char *str_member(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ReaderConfig with MaxItemsPath's value written in as MaxItems: a new
 * owned object, or NULL when there is no ReaderConfig. */
static int reader_config(struct exec *x, struct frame *fr, cJSON **out)
{
	const struct asl_state *s = fr->state;
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(s->item_reader,
							  "ReaderConfig");
	*out = rc ? cJSON_Duplicate(rc, 1) : NULL;
	struct distmap_number spec = {
		NULL, &s->compiled->max_items_path, "MaxItemsPath", 0,
		ITEMREADER_MAX_MAX_ITEMS, "integer", &s->compiled->reader_max_items, 0
	};
	double n;
	if (exec_distmap_number_(x, fr, &spec, &n)) {
		cJSON_Delete(*out);
		*out = NULL;
		return -1;
	}
	if (n >= 0) {
		if (!*out)
			*out = cJSON_CreateObject();
		cJSON_DeleteItemFromObjectCaseSensitive(*out, "MaxItemsPath");
		exec_set_item_(*out, "MaxItems", cJSON_CreateNumber(n));
	}
	return 0;
}

/* ItemReader: Parameters evaluated, then the object(s) read. */
static int read_items(struct exec *x, struct frame *fr, cJSON **items)
{
	const struct asl_state *s = fr->state;
	cJSON *params = NULL, *config = NULL;
	if (exec_distmap_parameters_(x, fr, &s->compiled->reader_parameters, &params) ||
	    reader_config(x, fr, &config)) {
		cJSON_Delete(params);
		return -1;
	}
	struct itemreader_request rq = {
		x->opt->s3_dir, str_member(s->item_reader, "Resource"),
		str_member(params, "Bucket"), str_member(params, "Key"),
		str_member(params, "Prefix"), config, x->clock.now
	};
	int rc = 0;
	if (!rq.s3_dir) {
		exec_err_set_(&fr->err, ITEMREADER_ERROR,
			      "no folder stands for S3: give stepbook run "
			      "--s3-dir DIR (s3_dir: in stepbook.yml)");
		rc = -1;
	} else if (itemreader_read(&rq, items, &fr->err.error, &fr->err.cause)) {
		rc = -1;
	}
	cJSON_Delete(params);
	cJSON_Delete(config);
	return rc;
}

/* The items of the input (ItemsPath or Items), as a copy. */
static int input_items(struct exec *x, struct frame *fr, cJSON **items)
{
	cJSON *owned = NULL;
	const cJSON *v;
	if (exec_map_select_items_(x, fr, &v, &owned))
		return -1;
	*items = owned ? owned : cJSON_Duplicate(v, 1);
	return 0;
}

/* ItemSelector (or the legacy Parameters) on each item, with
 * $$.Map.Item set; the item itself without one.  Consumes items. */
static int select_items(struct exec *x, struct frame *fr, cJSON *items,
			cJSON **out)
{
	const struct asl_state *s = fr->state;
	const struct asl_expr *tmpl = s->item_selector ? &s->compiled->item_selector
			: s->flow.parameters ? &s->flow.compiled.parameters : NULL;
	if (!tmpl) {
		*out = items;
		return 0;
	}
	cJSON *arr = cJSON_CreateArray();
	long i = 0;
	int rc = 0;
	const cJSON *saved = fr->map_item;
	for (cJSON *v = items->child; v && !rc; v = v->next, i++) {
		cJSON *item = cJSON_CreateObject(), *in = NULL;
		cJSON_AddNumberToObject(item, "Index", (double)i);
		cJSON_AddItemReferenceToObject(item, "Value", v);
		fr->map_item = item;
		rc = fr->flow->arguments(x, fr, tmpl, fr->eff, &in);
		exec_context_forget_(x);
		cJSON_Delete(item);
		if (!rc)
			cJSON_AddItemToArray(arr, in);
	}
	fr->map_item = saved;
	cJSON_Delete(items);
	if (rc)
		cJSON_Delete(arr);
	else
		*out = arr;
	return rc;
}

/* ---- ItemBatcher -------------------------------------------------------- */

static size_t json_size(const cJSON *v)
{
	char *t = cJSON_PrintUnformatted(v);
	size_t n = t ? strlen(t) : 0;
	cJSON_free(t);
	return n;
}

static cJSON *new_batch(const cJSON *batch_input, cJSON **items)
{
	cJSON *b = cJSON_CreateObject();
	if (batch_input)
		cJSON_AddItemToObject(b, "BatchInput", cJSON_Duplicate(batch_input, 1));
	*items = cJSON_AddArrayToObject(b, "Items");
	return b;
}

/* Groups inputs (consumed) into batches of at most per items and at most
 * bytes bytes of JSON (an item larger than that travels alone). */
static cJSON *make_batches(cJSON *inputs, long per, double bytes,
			   const cJSON *batch_input)
{
	size_t base = batch_input ? json_size(batch_input) + 24 : 12;
	cJSON *batches = cJSON_CreateArray(), *cur = NULL;
	long n = 0;
	size_t size = 0;
	while (inputs->child) {
		cJSON *it = cJSON_DetachItemViaPointer(inputs, inputs->child);
		size_t len = bytes > 0 ? json_size(it) + 1 : 0;
		if (!cur || n == per || (bytes > 0 && n && (double)(size + len) > bytes)) {
			cJSON_AddItemToArray(batches, new_batch(batch_input, &cur));
			n = 0;
			size = base;
		}
		cJSON_AddItemToArray(cur, it);
		n++;
		size += len;
	}
	cJSON_Delete(inputs);
	return batches;
}

static int batch(struct exec *x, struct frame *fr, cJSON **inputs)
{
	const struct asl_state *s = fr->state;
	const cJSON *b = s->item_batcher;
	if (!b)
		return 0;
	struct distmap_number items = {
		cJSON_GetObjectItemCaseSensitive(b, "MaxItemsPerBatch"),
		&s->compiled->max_items_per_batch_path, "MaxItemsPerBatchPath",
		1, 2147483647.0, "positive integer",
		&s->compiled->max_items_per_batch, 0
	}, bytes = {
		cJSON_GetObjectItemCaseSensitive(b, "MaxInputBytesPerBatch"),
		&s->compiled->max_input_bytes_per_batch_path,
		"MaxInputBytesPerBatchPath", 1, 262144, "number of bytes (1 to 262144)",
		&s->compiled->max_input_bytes_per_batch, 0
	};
	double per, max_bytes;
	cJSON *bin = NULL;
	if (exec_distmap_number_(x, fr, &items, &per) ||
	    exec_distmap_number_(x, fr, &bytes, &max_bytes))
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(b, "BatchInput") &&
	    fr->flow->arguments(x, fr, &s->compiled->batch_input, fr->eff, &bin))
		return -1;
	/* a literal is not range-checked: past a long it bounds nothing */
	long most = per >= 1 && per < (double)LONG_MAX ? (long)per : LONG_MAX;
	*inputs = make_batches(*inputs, most, max_bytes, bin);
	cJSON_Delete(bin);
	return 0;
}

/* ---- the attempt -------------------------------------------------------- */

static int tolerance(struct exec *x, struct frame *fr, double *count_out,
		     double *pct_out)
{
	const struct asl_state *s = fr->state;
	struct distmap_number count = {
		s->tolerated_failure_count, &s->compiled->tolerated_failure_count_path,
		"ToleratedFailureCountPath", 0, 1e15, "integer",
		&s->compiled->tolerated_failure_count, 0
	}, pct = {
		s->tolerated_failure_percentage,
		&s->compiled->tolerated_failure_percentage_path,
		"ToleratedFailurePercentagePath", 0, 100, "percentage (0 to 100)",
		&s->compiled->tolerated_failure_percentage, 1
	};
	return exec_distmap_number_(x, fr, &count, count_out) ||
	       exec_distmap_number_(x, fr, &pct, pct_out);
}

int exec_distmap_mocked_(struct exec *x, struct frame *fr, cJSON *inputs,
			 long failed, long total)
{
	double count, pct;
	int rc = batch(x, fr, &inputs);
	if (rc == 0 && fr->state->item_batcher)
		exec_record_(fr, EXEC_STAGE_AFTER_ITEM_BATCHER, inputs);
	cJSON_Delete(inputs);
	if (rc || tolerance(x, fr, &count, &pct))
		return -1;
	if (count >= 0)
		exec_record_number_(fr, EXEC_STAGE_TOLERATED_FAILURE_COUNT, count);
	if (pct >= 0)
		exec_record_number_(fr, EXEC_STAGE_TOLERATED_FAILURE_PERCENTAGE, pct);
	if (!exec_distmap_over_(failed, total, count, pct))
		return 0;
	exec_distmap_exceeded_(&fr->err);
	return -1;
}

/* Items (those of ItemsPath already read, or NULL), selected and
 * batched: the child executions' inputs. */
static int child_inputs(struct exec *x, struct frame *fr, cJSON *items,
			cJSON **inputs, long *nr_items)
{
	if (!items && read_items(x, fr, &items))
		return -1;
	*nr_items = cJSON_GetArraySize(items);
	if (select_items(x, fr, items, inputs))
		return -1;
	if (batch(x, fr, inputs)) {
		cJSON_Delete(*inputs);
		*inputs = NULL;
		return -1;
	}
	return 0;
}

static void run_failed_event(struct exec *x, const struct exec_err *e)
{
	cJSON *d = NULL;
	if (x->res->history) {
		d = cJSON_CreateObject();
		if (e->error)
			cJSON_AddStringToObject(d, "error", e->error);
		if (e->cause)
			cJSON_AddStringToObject(d, "cause", e->cause);
	}
	exec_event_(x, "MapRunFailed", "mapRunFailedEventDetails", d);
}

/* The Map Run proper, between MapRunStarted and its end event. */
static int map_run(struct exec *x, struct frame *fr, struct distmap_run *run,
		   cJSON *items, cJSON **result)
{
	cJSON *inputs = NULL;
	long nr_items = 0;
	if (child_inputs(x, fr, items, &inputs, &nr_items))
		return -1;
	run->total_items = nr_items;
	run->item_counts = fr->state->item_batcher != NULL;
	exec_distmap_size_(run, cJSON_GetArraySize(inputs));
	int rc = exec_map_items_(x, fr, inputs, run->max_concurrency,
				 &run->children, NULL);
	if (rc == 0 || run->threshold_exceeded)
		rc = exec_distmap_finish_(x, fr, run, result) || rc ? -1 : 0;
	return rc;
}

int exec_distmap_attempt_(struct exec *x, struct frame *fr, cJSON **result)
{
	struct distmap_run run;
	cJSON *items = NULL;
	exec_distmap_init_(x, fr, &run);
	int rc = -1;
	if (!fr->state->nr_branches) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The Map state has no ItemProcessor.");
		goto out;
	}
	if (exec_map_max_concurrency_(x, fr, &run.max_concurrency) ||
	    (!fr->state->item_reader && input_items(x, fr, &items)))
		goto out;
	/* AWS counts the items here only when they are in the input */
	cJSON *d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "length", cJSON_GetArraySize(items));
	exec_event_(x, "MapStateStarted", "mapStateStartedEventDetails", d);
	if (tolerance(x, fr, &run.tolerated_count, &run.tolerated_percentage))
		goto failed;
	d = NULL;
	if (x->res->history) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "mapRunArn", run.map_run_arn);
	}
	exec_event_(x, "MapRunStarted", "mapRunStartedEventDetails", d);
	rc = map_run(x, fr, &run, items, result);
	items = NULL; /* map_run consumed them */
	if (rc == 0)
		exec_event_(x, "MapRunSucceeded", NULL, NULL);
	else if (exec_aborting_(x))
		exec_event_(x, "MapRunAborted", NULL, NULL);
	else if (x->stop == EXEC_RUNNING)
		run_failed_event(x, &fr->err);
failed:
	exec_event_(x, exec_aborting_(x) ? "MapStateAborted"
		    : rc ? "MapStateFailed" : "MapStateSucceeded", NULL, NULL);
out:
	cJSON_Delete(items);
	exec_distmap_release_(&run);
	return rc;
}
