/*
 * inst.h - the instruction registry's entries, for the tracer. Internal to
 * schedule/.
 */
#ifndef MS_SCHEDULE_INST_H
#define MS_SCHEDULE_INST_H

#include "schedule/schedule.h"

typedef struct ms_inst_entry {
    /* decodes operands, runs the primitive, binds outputs (inst_bind) */
    ms_status (*apply)(ms_tracer *tr, ms_inst *inst);
    bool samples; /* has a decision */
} ms_inst_entry;

extern const ms_inst_entry ms_inst_table[MS_INST_COUNT];

/* A new trace variable standing for state variable rv. */
int inst_bind(ms_tracer *tr, ms_rv_kind kind, int rv);

#endif
