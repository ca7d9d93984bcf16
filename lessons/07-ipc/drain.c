/* drain.c - on SIGTERM, finish the item in progress, clean up, exit 0. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

static volatile sig_atomic_t stop; /* written by the handler, read by the loop */

static void on_term(int sig)
{
	(void)sig;
	stop = 1; /* and nothing else */
}

static void work_on(int item) /* 300 ms of "work" that a signal must not cut short */
{
	struct timespec left = {0, 300 * 1000 * 1000};

	while (nanosleep(&left, &left) == -1 && errno == EINTR) /* left: the time that remains */
		printf("  item %d: nanosleep interrupted (EINTR), %ld ms left, resuming\n", item,
		       left.tv_nsec / 1000000);
	printf("  item %d done\n", item);
}

int main(void)
{
	struct sigaction act = {.sa_handler = on_term};

	sigemptyset(&act.sa_mask);
	if (sigaction(SIGTERM, &act, NULL) == -1) {
		perror("sigaction");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even into a pipe */
	int item = 0;
	while (!stop) /* checked between items only */
		work_on(item++);
	printf("  SIGTERM seen after %d items: closing files, removing temporaries, exit 0\n", item);
	return 0;
}
