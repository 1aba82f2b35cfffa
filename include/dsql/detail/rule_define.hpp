// dsql/detail/rule_define.hpp - defines DSQL_RULE; paired with rule_undef.hpp.
//
// Deliberately without include guard: a header includes this file after its own
// #includes, declares its rules, then includes rule_undef.hpp, so the macro never
// leaks out of the header that uses it.
//
// DSQL_RULE(name, "One sentence.") declares a rule type: `ok` is false, `message` is the
// sentence (for run-time use and tests), and `verify<Where>()` fires a static_assert
// quoting the sentence when it is instantiated, i.e. when a declaration breaks the rule.
#ifdef DSQL_RULE
#error "DSQL_RULE is already defined: include dsql/detail/rule_undef.hpp after the rules"
#endif
#define DSQL_RULE(NAME, MESSAGE)                                      \
  struct NAME {                                                       \
    static constexpr bool ok = false;                                 \
    static constexpr ::std::string_view message = MESSAGE;            \
    template <class Where>                                            \
    static constexpr bool verify() noexcept {                         \
      static_assert(::dsql::detail::dependent_false<Where>, MESSAGE); \
      return true;                                                    \
    }                                                                 \
  }
