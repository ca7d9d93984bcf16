/* errcheck.c - what an error-checking mutex says when it is misused. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void show(const char *what, int err)
{
	printf("%-28s -> %d %s\n", what, err, err == 0 ? "(success)" : strerror(err));
}

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t m;

	if (pthread_mutexattr_init(&attr) != 0 ||
	    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK) != 0 ||
	    pthread_mutex_init(&m, &attr) != 0)
		return 1;
	pthread_mutexattr_destroy(&attr); /* the mutex keeps its type */
	show("lock", pthread_mutex_lock(&m));
	show("lock again (same thread)", pthread_mutex_lock(&m));
	show("unlock", pthread_mutex_unlock(&m));
	show("unlock again (not held)", pthread_mutex_unlock(&m));
	show("destroy", pthread_mutex_destroy(&m));
	return 0;
}
