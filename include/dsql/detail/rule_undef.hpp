// dsql/detail/rule_undef.hpp - undefines DSQL_RULE; paired with rule_define.hpp.
#undef DSQL_RULE
