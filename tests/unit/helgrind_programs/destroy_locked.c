/*
 * destroy_locked.c - destroying a mutex that is still locked, no data race:
 * flush_cache() returns early on an empty cache without unlocking
 * `cache_lock`, and main() then destroys it (pthread_mutex_destroy() fails
 * with EBUSY, and nobody checks).
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER; /* protects cache_used */
static int cache_used;

static void flush_cache(void)
{
	pthread_mutex_lock(&cache_lock);
	if (cache_used == 0)
		return; /* BUG: returns with cache_lock held */
	cache_used = 0;
	pthread_mutex_unlock(&cache_lock);
}

int main(void)
{
	flush_cache();
	pthread_mutex_destroy(&cache_lock); /* BUG: still locked */
	printf("%d\n", cache_used);
	return 0;
}
