/* tokens.c - two threads split two strings into words: strtok shares its place, strtok_r does not. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS 100000

struct split_job {
    char *text;    /* in: WORDS words of letter, separated by spaces */
    char letter;   /* in: the letter every word of text starts with */
    int reentrant; /* in: 1 for strtok_r, 0 for strtok */
    long words;    /* out: words found */
    long foreign;  /* out: words that came from the other thread's string */
};

static void *split(void *arg)
{
    struct split_job *job = arg;
    char *place; /* strtok_r keeps its position here, in this thread's frame */
    char *w = job->reentrant ? strtok_r(job->text, " ", &place) : strtok(job->text, " ");

    while (w != NULL) {
        job->words++;
        job->foreign += w[0] != job->letter;
        w = job->reentrant ? strtok_r(NULL, " ", &place) : strtok(NULL, " ");
    }
    return NULL;
}

static char *make_text(char letter)
{
    char *text = malloc(WORDS * 3 + 1), *p = text;

    for (int i = 0; text != NULL && i < WORDS; i++) {
        *p++ = letter;
        *p++ = letter;
        *p++ = ' ';
    }
    if (text != NULL)
        *p = '\0';
    return text;
}

int main(int argc, char **argv)
{
    int reentrant = argc > 1 && strcmp(argv[1], "strtok_r") == 0;
    struct split_job jobs[2] = {{make_text('a'), 'a', reentrant, 0, 0}, {make_text('b'), 'b', reentrant, 0, 0}};
    pthread_t tid[2];

    for (int k = 0; k < 2; k++)
        if (jobs[k].text == NULL || pthread_create(&tid[k], NULL, split, &jobs[k]) != 0)
            return 1;
    for (int k = 0; k < 2; k++) {
        pthread_join(tid[k], NULL);
        printf("%s, thread %d: %ld words (expected %d), %ld of them from the other string\n",
               reentrant ? "strtok_r" : "strtok", k, jobs[k].words, WORDS, jobs[k].foreign);
        free(jobs[k].text);
    }
    return 0;
}
