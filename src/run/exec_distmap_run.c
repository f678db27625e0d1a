/* exec_distmap_run.c - a Map Run's child executions and its result.  Each
 * child is an execution of its own, as AWS runs them: its own name and ARN
 * (MACHINE/LABEL:UUID), its own $$ (Execution, StateMachine), no access to
 * the parent's variables, and its events kept out of the parent's history.
 * The run fails with States.ExceedToleratedFailureThreshold once the
 * failed items pass ToleratedFailureCount or ToleratedFailurePercentage
 * (either, when both are given; any failure when neither is).
 * ResultWriter: the records (WriterConfig Transformation NONE, the default
 * of an export), the outputs (COMPACT) or the outputs with arrays spliced
 * (FLATTEN); exported into the folder standing for S3 by
 * itemreader_write_results, the Map then returning MapRunArn and
 * ResultWriterDetails. */
#include <stdlib.h>
#include <string.h>

#include "exec_distmap.h"
#include "dataflow.h"
#include "itemreader.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

#define THRESHOLD_ERROR "States.ExceedToleratedFailureThreshold"

static const char *str_member(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- one child execution ------------------------------------------------ */

static cJSON *child_context(struct exec *x, struct distmap_run *r,
			    const cJSON *input)
{
	struct buf arn = BUF_INIT;
	if (!r->stamp.len || r->stamp_ms != x->clock.now) {
		/* children mostly start together: format each time once */
		buf_reset(&r->stamp);
		timestamp_format(x->clock.now, &r->stamp);
		r->stamp_ms = x->clock.now;
	}
	buf_adds(&arn, r->exec_prefix);
	buf_adds(&arn, r->child_name);
	cJSON *c = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(c, "Execution");
	cJSON_AddStringToObject(e, "Id", arn.ptr);
	cJSON_AddItemToObject(e, "Input", cJSON_Duplicate(input, 1));
	cJSON_AddStringToObject(e, "Name", r->child_name);
	cJSON_AddStringToObject(e, "RoleArn", r->role_arn);
	cJSON_AddStringToObject(e, "StartTime", r->stamp.ptr);
	cJSON_AddNumberToObject(e, "RedriveCount", 0);
	cJSON *sm = cJSON_AddObjectToObject(c, "StateMachine");
	cJSON_AddStringToObject(sm, "Id", r->machine_arn);
	cJSON_AddStringToObject(sm, "Name", r->machine_name);
	buf_release(&arn);
	return c;
}

static void child_begin(struct exec *x, void *ctx, long i, const cJSON *input)
{
	struct distmap_run *r = ctx;
	(void)i;
	rng_uuid(&x->rng, r->child_name);
	r->child_start = x->clock.now;
	r->child_items = r->item_counts
		? cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(input, "Items"))
		: 1;
	if (r->records)
		r->child_input = cJSON_PrintUnformatted(input);
	r->parent_context = x->context;
	r->parent_history = x->res->history;
	r->parent_events = x->nr_events;
	r->parent_prev_event = x->prev_event;
	x->context = child_context(x, r, input);
	x->ctx_visit = 0; /* $$ is rebuilt for the child's first visit */
	x->ctx_item = NULL;
	x->res->history = NULL; /* the child's history is its own */
	x->nr_events = 0;       /* and so is its quota of events */
}

static void restore_parent(struct exec *x, struct distmap_run *r)
{
	cJSON_Delete(x->context);
	x->context = r->parent_context;
	x->ctx_visit = 0;
	x->ctx_item = NULL;
	x->res->history = r->parent_history;
	x->nr_events = r->parent_events;
	x->prev_event = r->parent_prev_event;
}

static void add_text(cJSON *o, const char *key, const char *text)
{
	cJSON_AddStringToObject(o, key, text ? text : "");
}

/* The child's execution record, as ResultWriter exports it: the
 * DescribeExecution fields, keys in AWS's (alphabetical) order. */
static cJSON *child_record(struct exec *x, struct distmap_run *r,
			   const cJSON *out, const struct exec_err *err)
{
	cJSON *rec = cJSON_CreateObject(), *d;
	struct buf t = BUF_INIT;
	if (err) {
		if (err->cause)
			cJSON_AddStringToObject(rec, "Cause", err->cause);
		add_text(rec, "Error", err->error);
	}
	buf_addf(&t, "%s%s", r->exec_prefix, r->child_name);
	cJSON_AddStringToObject(rec, "ExecutionArn", t.ptr);
	add_text(rec, "Input", r->child_input);
	d = cJSON_AddObjectToObject(rec, "InputDetails");
	cJSON_AddTrueToObject(d, "Included");
	cJSON_AddStringToObject(rec, "Name", r->child_name);
	if (!err) {
		char *o = cJSON_PrintUnformatted(out);
		add_text(rec, "Output", o);
		cJSON_free(o);
		d = cJSON_AddObjectToObject(rec, "OutputDetails");
		cJSON_AddTrueToObject(d, "Included");
	}
	cJSON_AddNumberToObject(rec, "RedriveCount", 0);
	if (err) {
		cJSON_AddStringToObject(rec, "RedriveStatus", "REDRIVABLE_BY_MAP_RUN");
	} else {
		cJSON_AddStringToObject(rec, "RedriveStatus", "NOT_REDRIVABLE");
		cJSON_AddStringToObject(rec, "RedriveStatusReason",
					"Execution is SUCCEEDED and cannot be redriven");
	}
	buf_reset(&t);
	timestamp_format(r->child_start, &t);
	cJSON_AddStringToObject(rec, "StartDate", t.ptr);
	cJSON_AddStringToObject(rec, "StateMachineArn", r->machine_arn);
	cJSON_AddStringToObject(rec, "Status", err ? "FAILED" : "SUCCEEDED");
	buf_reset(&t);
	timestamp_format(x->clock.now, &t);
	cJSON_AddStringToObject(rec, "StopDate", t.ptr);
	buf_release(&t);
	return rec;
}

/* Over the tolerated failures?  (AWS: past either threshold given; with
 * neither, past zero.) */
static int over_threshold(const struct distmap_run *r)
{
	if (!r->failed_items)
		return 0;
	int count = r->tolerated_count >= 0, pct = r->tolerated_percentage >= 0;
	if (!count && !pct)
		return 1;
	if (count && (double)r->failed_items > r->tolerated_count)
		return 1;
	return pct && r->total_items &&
	       100.0 * (double)r->failed_items / (double)r->total_items >
		       r->tolerated_percentage;
}

static int child_end(struct exec *x, struct frame *fr, void *ctx, long i,
		     int rc, cJSON *out, struct exec_err *err)
{
	struct distmap_run *r = ctx;
	(void)i;
	restore_parent(x, r);
	if (r->records)
		cJSON_AddItemToArray(r->records, child_record(x, r, out, rc ? err : NULL));
	cJSON_free(r->child_input);
	r->child_input = NULL;
	if (x->stop != EXEC_RUNNING) { /* the parent ends: timeout, stop */
		cJSON_Delete(out);
		fr->err = *err;
		return -1;
	}
	if (rc == 0) {
		cJSON_AddItemToArray(r->outputs, out);
		return 0;
	}
	cJSON *eo = cJSON_CreateObject();
	add_text(eo, "Error", err->error);
	if (err->cause)
		cJSON_AddStringToObject(eo, "Cause", err->cause);
	cJSON_AddItemToArray(r->outputs, eo);
	exec_err_release_(err);
	r->failed_items += r->child_items;
	if (!over_threshold(r))
		return 0;
	r->threshold_exceeded = 1;
	exec_err_set_(&fr->err, THRESHOLD_ERROR,
		      "The specified tolerated failure threshold was exceeded");
	return -1;
}

/* ---- the run's names ---------------------------------------------------- */

void exec_distmap_init_(struct exec *x, struct frame *fr, struct distmap_run *r)
{
	const struct asl_state *s = fr->state;
	memset(r, 0, sizeof(*r));
	buf_init(&r->stamp);
	r->fr = fr;
	r->hook = (struct exec_map_hook){ r, child_begin, child_end };
	r->tolerated_count = r->tolerated_percentage = -1;
	const char *label = str_member(s->json, "Label");
	const char *arn = x->res->machine_arn;
	const char *sm = strstr(arn, ":stateMachine:");
	size_t head = sm ? (size_t)(sm - arn) : strlen(arn);
	const char *name = sm ? sm + strlen(":stateMachine:") : "";
	char uuid[37];
	rng_uuid(&x->rng, uuid);
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/%s", name, label ? label : s->name);
	r->machine_name = buf_detach(&b, NULL);
	buf_addf(&b, "%.*s:mapRun:%s:%s", (int)head, arn, r->machine_name, uuid);
	r->map_run_arn = buf_detach(&b, NULL);
	buf_addf(&b, "%.*s:stateMachine:%s", (int)head, arn, r->machine_name);
	r->machine_arn = buf_detach(&b, NULL);
	buf_addf(&b, "%.*s:execution:%s:", (int)head, arn, r->machine_name);
	r->exec_prefix = buf_detach(&b, NULL);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(x->context, "Execution");
	r->role_arn = (char *)str_member(e, "RoleArn");
	r->outputs = cJSON_CreateArray();
	if (s->result_writer)
		r->records = cJSON_CreateArray();
}

void exec_distmap_release_(struct distmap_run *r)
{
	free(r->machine_name);
	free(r->map_run_arn);
	free(r->machine_arn);
	free(r->exec_prefix);
	cJSON_free(r->child_input);
	cJSON_Delete(r->outputs);
	cJSON_Delete(r->records);
	buf_release(&r->stamp);
	memset(r, 0, sizeof(*r));
}

/* ---- ResultWriter ------------------------------------------------------- */

/* What one child contributes under Transformation t: its record (NONE,
 * and a failed child always), its output (COMPACT), or the output's
 * elements when it is an array (FLATTEN). */
static void transformed(const char *t, const cJSON *rec, const cJSON *out,
			cJSON *into)
{
	int failed = !strcmp(str_member(rec, "Status"), "FAILED");
	if (!strcmp(t, "NONE") || failed) {
		cJSON_AddItemToArray(into, cJSON_Duplicate(rec, 1));
	} else if (!strcmp(t, "FLATTEN") && cJSON_IsArray(out)) {
		for (const cJSON *v = out->child; v; v = v->next)
			cJSON_AddItemToArray(into, cJSON_Duplicate(v, 1));
	} else {
		cJSON_AddItemToArray(into, cJSON_Duplicate(out, 1));
	}
}

/* The children of 'status' (NULL: all) under Transformation t. */
static cJSON *results_of(const struct distmap_run *r, const char *t,
			 const char *status)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *out = r->outputs->child;
	for (const cJSON *rec = r->records->child; rec && out;
	     rec = rec->next, out = out->next)
		if (!status || !strcmp(str_member(rec, "Status"), status))
			transformed(t, rec, out, arr);
	return arr;
}

static int writer_failed(struct frame *fr, const char *cause)
{
	exec_err_release_(&fr->err);
	exec_err_set_(&fr->err, "States.ResultWriterFailed", cause);
	return -1;
}

/* {"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}. */
static cJSON *export_details(const struct distmap_run *r, const char *bucket,
			     const char *prefix)
{
	struct buf key = BUF_INIT;
	size_t n = prefix ? strlen(prefix) : 0;
	const char *id = strrchr(r->map_run_arn, ':') + 1;
	buf_addf(&key, "%s%s%s/manifest.json", n ? prefix : "",
		 n && prefix[n - 1] != '/' ? "/" : "", id);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "MapRunArn", r->map_run_arn);
	cJSON *d = cJSON_AddObjectToObject(o, "ResultWriterDetails");
	cJSON_AddStringToObject(d, "Bucket", bucket);
	cJSON_AddStringToObject(d, "Key", key.ptr);
	buf_release(&key);
	return o;
}

static int export(struct exec *x, struct frame *fr, struct distmap_run *r,
		  const char *t, cJSON **result)
{
	const struct asl_state *s = fr->state;
	cJSON *params = NULL, *manifest = NULL;
	if (exec_distmap_parameters_(x, fr, &s->compiled.writer_parameters, &params))
		return -1;
	if (!x->opt->s3_dir) {
		cJSON_Delete(params);
		return writer_failed(fr, "no folder stands for S3: give stepbook "
				     "run --s3-dir DIR (s3_dir: in stepbook.yml)");
	}
	const cJSON *wc = cJSON_GetObjectItemCaseSensitive(s->result_writer,
							  "WriterConfig");
	const char *type = str_member(wc, "OutputType");
	cJSON *ok = results_of(r, t, "SUCCEEDED"), *bad = results_of(r, t, "FAILED");
	struct itemreader_results w = {
		x->opt->s3_dir, str_member(params, "Bucket"),
		str_member(params, "Prefix"), r->map_run_arn, ok, bad, NULL,
		type && !strcmp(type, "JSONL")
	};
	char *error = NULL, *cause = NULL;
	int rc = itemreader_write_results(&w, &manifest, &error, &cause);
	if (rc) {
		writer_failed(fr, cause);
	} else if (!r->threshold_exceeded) {
		*result = export_details(r, w.bucket, w.prefix);
	}
	free(error);
	free(cause);
	cJSON_Delete(manifest);
	cJSON_Delete(ok);
	cJSON_Delete(bad);
	cJSON_Delete(params);
	return rc;
}

int exec_distmap_finish_(struct exec *x, struct frame *fr,
			 struct distmap_run *r, cJSON **result)
{
	const cJSON *rw = fr->state->result_writer;
	int rc = 0;
	if (!rw) {
		if (!r->threshold_exceeded) {
			*result = r->outputs;
			r->outputs = NULL;
		}
		return r->threshold_exceeded ? -1 : 0;
	}
	const char *resource = str_member(rw, "Resource");
	const char *t = str_member(cJSON_GetObjectItemCaseSensitive(rw, "WriterConfig"),
				   "Transformation");
	if (!t)
		t = resource ? "NONE" : "COMPACT";
	if (resource)
		rc = export(x, fr, r, t, result);
	else if (!r->threshold_exceeded)
		*result = results_of(r, t, NULL);
	return rc || r->threshold_exceeded ? -1 : 0;
}
