/*
 * output_body.c - the text that replaces a kernel's body in an output (a
 * file, a library's kernel, the unit whose code is measured): its tuned
 * body, or under --workspace=caller the entry points around it.
 */
#include "emit/emit.h"
#include "runtime/runtime.h"

#include <stdlib.h>

char *ms_output_body(const ms_source *src, const ms_kernel *k, const char *body, const char **why)
{
    if (!k->func || k->func->workspace != MS_WS_CALLER)
        return ms_xstrdup(body);
    ms_str head = {0}, params = {0};
    ms_str_addn(&head, src->text + k->decl_begin, k->name_begin - k->decl_begin);
    ms_str_addn(&params, src->text + k->name_end, k->body_begin - k->name_end);
    char *text =
        ms_emit_caller_entry_points(k->func, ms_str_cstr(&head), ms_str_cstr(&params), body, why);
    ms_str_free(&head);
    ms_str_free(&params);
    return text;
}
