/*
 * registry.c - the design-space rules, in the order they apply: the block
 * rules to each block (consumers first, so that a producer can then be
 * inlined into or computed at its consumer's tiled loops), then the
 * function rules. MetaSchedule's CPU defaults; a new rule is one file and
 * one line here.
 */
#include "schedule/rules/rules.h"

const ms_rule ms_rules[] = {
    {"auto_inline", true, ms_rule_auto_inline},
    {"add_rfactor", true, ms_rule_add_rfactor},
    {"multi_level_tiling", true, ms_rule_multi_level_tiling},
    {"random_compute_location", true, ms_rule_random_compute_location},
    {"parallel_vectorize_unroll", false, ms_rule_parallel_vectorize_unroll},
};

const int ms_nrules = (int)(sizeof ms_rules / sizeof ms_rules[0]);
