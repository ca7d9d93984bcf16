#include "cost.h"
#include "ct_test.h"
CT_SUITE(cost);
CT_TEST(cost, correct_placeholder) { CT_CHECK(cost_thread_create(1) > 0, "x"); ct_pass(); }
