/*
 * heap_offsets.c - races on three different bytes of one heap block, all
 * from the same lines: scan() reads record->tag, record->flags and
 * record->data[95] (bytes 0, 1 and 97) while, a little later,
 * clear_record() overwrites them.  The three calls share one line, so that
 * Helgrind reports three errors (one per call) whose places in the program
 * are the same.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct record {
	char tag;
	char flags;
	char data[98];
};

static struct record *record;

static char read_byte(const char *p) { return *p; }
static void write_byte(char *p) { *p = 0; }

static void *scan(void *arg)
{
	(void)arg;
	return (void *)(long)(read_byte(&record->tag) + read_byte(&record->flags) + read_byte(&record->data[95]));
}

static void *clear_record(void *arg)
{
	(void)arg;
	usleep(200 * 1000); /* after scan(): so that the writes are the reported accesses */
	write_byte(&record->tag), write_byte(&record->flags), write_byte(&record->data[95]);
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	int rc;

	record = calloc(1, sizeof(*record));
	if (!record) {
		perror("calloc");
		return 1;
	}
	if ((rc = pthread_create(&a, NULL, scan, NULL)) != 0 ||
	    (rc = pthread_create(&b, NULL, clear_record, NULL)) != 0) {
		fprintf(stderr, "pthread_create: error %d\n", rc);
		return 1;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	free(record);
	return 0;
}
