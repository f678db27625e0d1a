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

/* A child while it runs: its view (first, as exec_map_items_ hands it
 * back) and what its execution record needs. */
struct distmap_child {
	struct exec_view view;
	char name[37];
	int64_t start;
	char *input;  /* owned JSON text (cJSON_free), with records */
	long items;
};

static cJSON *child_context(struct exec *x, struct distmap_run *r,
			    const struct distmap_child *c, const cJSON *input)
{
	struct buf arn = BUF_INIT;
	if (!r->stamp.len || r->stamp_ms != x->clock.now) {
		/* children mostly start together: format each time once */
		buf_reset(&r->stamp);
		timestamp_format(x->clock.now, &r->stamp);
		r->stamp_ms = x->clock.now;
	}
	buf_adds(&arn, r->exec_prefix);
	buf_adds(&arn, c->name);
	cJSON *ctx = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(ctx, "Execution");
	cJSON_AddStringToObject(e, "Id", arn.ptr);
	cJSON_AddItemToObject(e, "Input", cJSON_Duplicate(input, 1));
	cJSON_AddStringToObject(e, "Name", c->name);
	cJSON_AddStringToObject(e, "RoleArn", r->role_arn);
	cJSON_AddStringToObject(e, "StartTime", r->stamp.ptr);
	cJSON_AddNumberToObject(e, "RedriveCount", 0);
	cJSON *sm = cJSON_AddObjectToObject(ctx, "StateMachine");
	cJSON_AddStringToObject(sm, "Id", r->machine_arn);
	cJSON_AddStringToObject(sm, "Name", r->machine_name);
	buf_release(&arn);
	return ctx;
}

/* The child's view: its own $$, no history here, its own quota of
 * events. */
static struct exec_view *child_begin(struct exec *x, void *ctx, long i,
				     const cJSON *input)
{
	struct distmap_run *r = ctx;
	struct distmap_child *c = xcalloc(1, sizeof(*c));
	(void)i;
	rng_uuid(&x->rng, c->name);
	c->start = x->clock.now;
	c->items = r->item_counts
		? cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(input, "Items"))
		: 1;
	if (r->recs)
		c->input = cJSON_PrintUnformatted(input);
	c->view.context = child_context(x, r, c, input);
	return &c->view;
}

static void add_text(cJSON *o, const char *key, const char *text)
{
	cJSON_AddStringToObject(o, key, text ? text : "");
}

/* The child's execution record, as ResultWriter exports it: the
 * DescribeExecution fields, keys in AWS's (alphabetical) order.  status:
 * SUCCEEDED (out), FAILED (err) or ABORTED (the Map Run stopped it). */
static cJSON *child_record(struct exec *x, struct distmap_run *r,
			   const struct distmap_child *c, const char *status,
			   const cJSON *out, const struct exec_err *err)
{
	cJSON *rec = cJSON_CreateObject(), *d;
	struct buf t = BUF_INIT;
	int ok = !strcmp(status, "SUCCEEDED");
	if (err) {
		if (err->cause)
			cJSON_AddStringToObject(rec, "Cause", err->cause);
		add_text(rec, "Error", err->error);
	}
	buf_addf(&t, "%s%s", r->exec_prefix, c->name);
	cJSON_AddStringToObject(rec, "ExecutionArn", t.ptr);
	add_text(rec, "Input", c->input);
	d = cJSON_AddObjectToObject(rec, "InputDetails");
	cJSON_AddTrueToObject(d, "Included");
	cJSON_AddStringToObject(rec, "Name", c->name);
	if (ok) {
		char *o = cJSON_PrintUnformatted(out);
		add_text(rec, "Output", o);
		cJSON_free(o);
		d = cJSON_AddObjectToObject(rec, "OutputDetails");
		cJSON_AddTrueToObject(d, "Included");
	}
	cJSON_AddNumberToObject(rec, "RedriveCount", 0);
	if (!ok) {
		cJSON_AddStringToObject(rec, "RedriveStatus", "REDRIVABLE_BY_MAP_RUN");
	} else {
		cJSON_AddStringToObject(rec, "RedriveStatus", "NOT_REDRIVABLE");
		cJSON_AddStringToObject(rec, "RedriveStatusReason",
					"Execution is SUCCEEDED and cannot be redriven");
	}
	buf_reset(&t);
	timestamp_format(c->start, &t);
	cJSON_AddStringToObject(rec, "StartDate", t.ptr);
	cJSON_AddStringToObject(rec, "StateMachineArn", r->machine_arn);
	cJSON_AddStringToObject(rec, "Status", status);
	buf_reset(&t);
	timestamp_format(x->clock.now, &t);
	cJSON_AddStringToObject(rec, "StopDate", t.ptr);
	buf_release(&t);
	return rec;
}

int exec_distmap_over_(long failed, long total, double count, double pct)
{
	if (!failed)
		return 0;
	if (count < 0 && pct < 0)
		return 1;
	if (count >= 0 && (double)failed > count)
		return 1;
	return pct >= 0 && total && 100.0 * (double)failed / (double)total > pct;
}

void exec_distmap_exceeded_(struct exec_err *err)
{
	exec_err_set_(err, THRESHOLD_ERROR,
		      "The specified tolerated failure threshold was exceeded");
}

static void child_free(struct distmap_child *c)
{
	cJSON_Delete(c->view.context);
	cJSON_free(c->input);
	free(c);
}

/* A failed child counts against the thresholds; one aborted (a sibling
 * went over them, or the Map itself is stopped) only ends. */
static int child_end(struct exec *x, void *ctx, struct exec_view *v, long i,
		     int rc, cJSON *out, struct exec_err *err)
{
	struct distmap_run *r = ctx;
	struct distmap_child *c = (struct distmap_child *)v;
	int aborted = rc && exec_aborting_(x);
	if (r->recs)
		r->recs[i] = child_record(x, r, c, !rc ? "SUCCEEDED"
					  : aborted ? "ABORTED" : "FAILED",
					  out, rc && !aborted ? err : NULL);
	long items = c->items;
	child_free(c);
	if (rc == 0) {
		r->outs[i] = out;
		return 0;
	}
	if (aborted || x->stop != EXEC_RUNNING) /* the run ends anyway */
		return -1;
	cJSON *eo = cJSON_CreateObject();
	add_text(eo, "Error", err->error);
	if (err->cause)
		cJSON_AddStringToObject(eo, "Cause", err->cause);
	r->outs[i] = eo;
	exec_err_release_(err);
	r->failed_items += items;
	if (!exec_distmap_over_(r->failed_items, r->total_items,
				r->tolerated_count, r->tolerated_percentage))
		return 0;
	r->threshold_exceeded = 1;
	exec_distmap_exceeded_(err);
	return -1;
}

/* ---- the run's names ---------------------------------------------------- */

void exec_distmap_init_(struct exec *x, struct frame *fr, struct distmap_run *r)
{
	const struct asl_state *s = fr->state;
	memset(r, 0, sizeof(*r));
	buf_init(&r->stamp);
	r->fr = fr;
	r->children = (struct exec_map_children){ r, child_begin, child_end };
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
}

void exec_distmap_size_(struct distmap_run *r, long n)
{
	r->nr_children = n;
	r->outs = xcalloc((size_t)n + 1, sizeof(*r->outs));
	if (r->fr->state->result_writer)
		r->recs = xcalloc((size_t)n + 1, sizeof(*r->recs));
}

void exec_distmap_release_(struct distmap_run *r)
{
	free(r->machine_name);
	free(r->map_run_arn);
	free(r->machine_arn);
	free(r->exec_prefix);
	for (long i = 0; i < r->nr_children; i++) {
		cJSON_Delete(r->outs[i]);
		if (r->recs)
			cJSON_Delete(r->recs[i]);
	}
	free(r->outs);
	free(r->recs);
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
	int failed = strcmp(str_member(rec, "Status"), "SUCCEEDED") != 0;
	if (!strcmp(t, "NONE") || failed) {
		cJSON_AddItemToArray(into, cJSON_Duplicate(rec, 1));
	} else if (!strcmp(t, "FLATTEN") && cJSON_IsArray(out)) {
		for (const cJSON *v = out->child; v; v = v->next)
			cJSON_AddItemToArray(into, cJSON_Duplicate(v, 1));
	} else {
		cJSON_AddItemToArray(into, cJSON_Duplicate(out, 1));
	}
}

/* The children that succeeded (which 1), failed or were aborted (0), or
 * all (-1) under Transformation t. */
static cJSON *results_of(const struct distmap_run *r, const char *t,
			 int which)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *out = r->outputs->child;
	for (const cJSON *rec = r->records->child; rec && out;
	     rec = rec->next, out = out->next)
		if (which < 0 ||
		    which == !strcmp(str_member(rec, "Status"), "SUCCEEDED"))
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
	if (exec_distmap_parameters_(x, fr, &s->compiled->writer_parameters, &params))
		return -1;
	if (!x->opt->s3_dir) {
		cJSON_Delete(params);
		return writer_failed(fr, "no folder stands for S3: give stepbook "
				     "run --s3-dir DIR (s3_dir: in stepbook.yml)");
	}
	const cJSON *wc = cJSON_GetObjectItemCaseSensitive(s->result_writer,
							  "WriterConfig");
	const char *type = str_member(wc, "OutputType");
	cJSON *ok = results_of(r, t, 1), *bad = results_of(r, t, 0);
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

/* The outputs (and records) of the children that ended, in order: an
 * aborted child has a record and no output, one never started neither. */
static void collect(struct distmap_run *r)
{
	r->outputs = cJSON_CreateArray();
	r->records = r->recs ? cJSON_CreateArray() : NULL;
	for (long i = 0; i < r->nr_children; i++) {
		if (r->recs && r->recs[i]) {
			cJSON_AddItemToArray(r->records, r->recs[i]);
			r->recs[i] = NULL;
			if (!r->outs[i]) /* aborted: a place for its record */
				r->outs[i] = cJSON_CreateNull();
		}
		if (r->outs[i]) {
			cJSON_AddItemToArray(r->outputs, r->outs[i]);
			r->outs[i] = NULL;
		}
	}
}

int exec_distmap_finish_(struct exec *x, struct frame *fr,
			 struct distmap_run *r, cJSON **result)
{
	const cJSON *rw = fr->state->result_writer;
	int rc = 0;
	collect(r);
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
		*result = results_of(r, t, -1);
	return rc || r->threshold_exceeded ? -1 : 0;
}
