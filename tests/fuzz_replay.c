/* fuzz_replay.c - runs a libFuzzer target over files, without libFuzzer:
 * `make check` links every fuzz/fuzz_*.c with this driver and replays its
 * seeds (fuzz/seeds/NAME, the crashes fuzzing found among them), so a
 * target that no longer compiles against the library, or an input that
 * crashed once and crashes again, fails the gate, not the next campaign.
 * Usage: fuzz_replay FILE|DIR...  Prints how many inputs ran. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	struct buf b = BUF_INIT;
	const char *why;
	if (fileio_read(path, &b, &why)) {
		fprintf(stderr, "%s: %s\n", path, why);
		buf_release(&b);
		return -1;
	}
	/* a copy of exactly the input's bytes: ASan sees a read past them */
	uint8_t *data = malloc(b.len ? b.len : 1);
	if (!data)
		abort();
	memcpy(data, b.ptr, b.len);
	LLVMFuzzerTestOneInput(data, b.len);
	free(data);
	buf_release(&b);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the files of dir in name order; returns how many ran, or -1. */
static long replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			names = realloc(names, alloc * sizeof(*names));
			if (!names)
				abort();
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	long ran = 0;
	struct buf path = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		if (replay_file(path.ptr) == 0)
			ran++;
		free(names[i]);
	}
	free(names);
	buf_release(&path);
	return ran;
}

int main(int argc, char **argv)
{
	long ran = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long r = stat(argv[i], &st) ? -1
			 : S_ISDIR(st.st_mode) ? replay_dir(argv[i])
			 : replay_file(argv[i]) ? -1 : 1;
		if (r < 0) {
			fprintf(stderr, "fuzz_replay: cannot read %s\n", argv[i]);
			return 2;
		}
		ran += r;
	}
	printf("%ld inputs\n", ran);
	return 0;
}
