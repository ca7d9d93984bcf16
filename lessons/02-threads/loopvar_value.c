/* loopvar_value.c - each thread gets its number packed into the pointer itself. */
#include <pthread.h>
#include <stdint.h> /* intptr_t */
#include <stdio.h>

#define NTHREADS 4

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg; /* the value, not an address: nothing to share */
    printf("thread %d\n", id);
    return NULL;
}

int main(void)
{
    pthread_t tid[NTHREADS];

    for (int i = 0; i < NTHREADS; i++)
        if (pthread_create(&tid[i], NULL, worker, (void *)(intptr_t)i) != 0)
            return 1;
    for (int j = 0; j < NTHREADS; j++)
        pthread_join(tid[j], NULL);
    return 0;
}
