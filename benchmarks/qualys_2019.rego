# The Qualys, Inc. Clawback Policy (2019-02-08), the rules of policies/qualys-2019.claw, in
# OPA's Rego (v1 syntax), as a user might write them instead of using clawpolicy. The input
# is one case file as JSON (shared/spec/case-format.md); `awards` gives, for each award in
# order, its id, outcome (recovery | no_recovery | pending | not_covered) and recoverable
# amount (null when pending). Rego numbers are binary floats: amounts are exact only to the
# float's precision, so results are compared with clawpolicy's after rounding to cents.
#
# Three-valued logic: a fact that is null or missing is unknown, written `null` here; true,
# false and null combine as in clawpolicy (`false and unknown` is false). Dates are ISO
# strings and compare as strings.

package clawback.qualys2019

effective_date := "2019-02-08"

incentive_kinds := {"cash_incentive", "performance_equity"}

incentive_bases := {"financial_results", "operating_results", "stock_price", "tsr"}

fault := {"gross_negligence", "intentional_misconduct", "fraud"}

causation := {"caused", "partially"}

# ------------------------------------------------------------------ three-valued helpers

get(obj, key) := object.get(obj, key, null)

# A record that is null or missing holds nothing known.
record(name) := r if {
	r := object.get(input, name, null)
	r != null
} else := {}

and3(a, b) := false if a == false
else := false if b == false
else := null if a == null
else := null if b == null
else := true

not3(a) := null if a == null
else := false if a == true
else := true

in3(value, options) := null if value == null
else := true if value in options
else := false

overlaps3(values, options) := null if values == null
else := true if {
	some v in values
	v in options
}
else := false

any3(values) := true if true in values
else := null if null in values
else := false

# min and max of two numbers. Not the builtins min([a, b]) and max([a, b]): in regopy 1.5.2
# (rego-cpp) those order numbers as text (min([9, 10]) is 10, max([2.5, 10]) is 2.5), while
# `<` compares them as numbers.
min2(a, b) := a if a <= b
else := b

max2(a, b) := a if a >= b
else := b

# ISO date + 3 years, keeping the day of the month; 29 February falls back to the 28th
# (three years after a leap year is never one).
plus_three_years(day) := sprintf("%04d-%s", [to_number(substring(day, 0, 4)) + 3, clamp_leap_day(substring(day, 5, 5))])

clamp_leap_day(month_day) := "02-28" if month_day == "02-29"
else := month_day

# ------------------------------------------------------------------ case-level facts

participant := record("participant")

findings := record("findings")

law := record("law")

# "Subject to Section 16": the flag, or a role Section 16 binds, from the case's roles or,
# where it gives none, from its titles through the vocabulary's table (`title_roles`, which
# rego_peer.py writes from clawpolicy/vocabulary/case.toml). A title the table does not list
# gives a role not known (null), which makes no one an officer.
section16_roles := {"section16_officer", "executive_officer", "chief_executive_officer",
	"chief_financial_officer", "principal_accounting_officer"}

title_key(t) := concat(" ", [w |
	some w in split(replace(replace(replace(replace(lower(t), ".", ""), ",", " "), "-", " "), "&", " and "), " ")
	w != ""
])

held_roles := [get(r, "role") | some r in get(participant, "roles")] if {
	get(participant, "roles") != null
} else := [role |
	some t in get(participant, "positions")
	some role in object.get(title_roles, title_key(t), [null])
] if {
	get(participant, "positions") != null
} else := null

section16_role := null if held_roles == null
else := true if {
	some r in held_roles
	r in section16_roles
}
else := false

# The flag alone where it says true (the roles are not read then, as `or` in the policy).
section16_officer := true if {
	get(participant, "section16_officer") == true
} else := any3([get(participant, "section16_officer"), section16_role])

material_restatement := false if get(input, "restatement") == null
else := get(input.restatement, "material")

committee_finds_fault_and_repayment_due := and3(
	and3(in3(get(findings, "misconduct"), fault), in3(get(findings, "caused_restatement"), causation)),
	get(findings, "should_repay"),
)

permitted_by_law := not3(get(law, "recovery_prohibited"))

prohibited_remedies := get(law, "prohibited_remedies")

# `repayment in law.prohibited_remedies`: unknown while the list is.
barred(remedy) := null if prohibited_remedies == null
else := true if remedy in prohibited_remedies
else := false

repayment_barred := barred("repayment")

cancellation_barred := barred("cancellation")

statements := {s.id: s | some s in object.get(input, "statements", [])}

# ------------------------------------------------------------------ each award

awards := [award_result(a) | some a in object.get(input, "awards", [])]

award_result(a) := object.union({"id": a.id}, verdict(a, scope(a), conditions(a)))

# Any false scope test: outside the policy. Any false condition: no recovery, unless a scope
# test is unknown (then whether the award is covered at all is still open). Anything unknown
# else: pending. All met: the amount decides.
verdict(a, sc, co) := {"outcome": "not_covered", "recoverable": 0} if false in sc
else := {"outcome": "pending", "recoverable": null} if {
	false in co
	null in sc
}
else := {"outcome": "no_recovery", "recoverable": 0} if false in co
else := {"outcome": "pending", "recoverable": null} if null in sc
else := {"outcome": "pending", "recoverable": null} if null in co
else := amounts(a)

# ---- scope: covered participant, Incentive Compensation, granted on or after 2019-02-08

scope(a) := [section16_officer, incentive_compensation(a), granted_on_or_after_effective_date(a)]

incentive_compensation(a) := and3(
	in3(get(a, "kind"), incentive_kinds),
	overlaps3(get(a, "basis"), incentive_bases),
)

granted_on_or_after_effective_date(a) := null if get(a, "granted") == null
else := true if a.granted >= effective_date
else := false

# ---- the conditions

conditions(a) := [
	material_restatement,
	would_have_been_less(a),
	within_three_years_of_filing(a),
	committee_finds_fault_and_repayment_due,
	permitted_by_law,
]

would_have_been_less(a) := null if get(a, "amount_as_restated") == null
else := null if get(a, "amount_awarded") == null
else := true if to_number(a.amount_as_restated) < to_number(a.amount_awarded)
else := false

# Any statement the award was calculated on that was restated, with the determination no
# more than three years after its original filing (exactly three years is still within).
within_three_years_of_filing(a) := null if get(a, "calculated_on") == null
else := any3([restated_in_time(statements[ref]) | some ref in a.calculated_on])

restated_in_time(s) := and3(get(s, "restated"), filed_in_time(s))

filed_in_time(s) := null if get(s, "original_filing_date") == null
else := true if input.as_of <= plus_three_years(s.original_filing_date)
else := false

# ---- the amount and the remedies

amounts(a) := {"outcome": "pending", "recoverable": null} if {
	recoverable_compensation(a) == null
} else := amount_verdict(rc, [repay_reach(a, rc), cancel_reach(a, rc)]) if {
	rc := recoverable_compensation(a)
}

# The excess, or where the Committee has set an amount or a portion of it for the award
# (`award_findings`), no more than that (null where an entry sets a portion not known). An
# entry recording only a finding of impracticability or a cost sets nothing.
recoverable_compensation(a) := excess if {
	excess := max2(to_number(a.amount_awarded) - to_number(a.amount_as_restated), 0)
	count(setting(a)) == 0
} else := null if {
	some f in setting(a)
	get(f, "amount_set") == null
	get(f, "portion") == null
} else := min2(excess, amounts_set + portions_set * excess) if {
	excess := max2(to_number(a.amount_awarded) - to_number(a.amount_as_restated), 0)
	amounts_set := sum([to_number(f.amount_set) | some f in setting(a); get(f, "amount_set") != null])
	portions_set := sum([to_number(f.portion) | some f in setting(a); get(f, "amount_set") == null])
}

award_findings := l if {
	l := object.get(input, "award_findings", null)
	l != null
} else := []

setting(a) := [f |
	some f in award_findings
	get(f, "award") == a.id
	sets(f)
]

sets(f) if get(f, "amount_set") != null

sets(f) if get(f, "portion") != null

sets(f) if {
	get(f, "impracticable") == null
	get(f, "recovery_cost") == null
}

# Repayment: up to min(Recoverable Compensation, paid), unless the law prohibits it.
repay_reach(a, rc) := null if repayment_barred == null
else := 0 if repayment_barred == true
else := null if get(a, "amount_paid") == null
else := max2(min2(rc, to_number(a.amount_paid)), 0)

# Cancellation: up to min(Recoverable Compensation, unpaid), unless the law prohibits it.
cancel_reach(a, rc) := null if cancellation_barred == null
else := 0 if cancellation_barred == true
else := null if get(a, "amount_paid") == null
else := max2(min2(rc, to_number(a.amount_awarded) - to_number(a.amount_paid)), 0)

amount_verdict(rc, reaches) := {"outcome": "pending", "recoverable": null} if null in reaches
else := {"outcome": "recovery", "recoverable": x} if {
	x := min2(rc, sum(reaches))
	x > 0
}
else := {"outcome": "no_recovery", "recoverable": 0}
