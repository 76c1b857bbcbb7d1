"""
    LinnetCrit

The Julia side of linnet_crit's bridge to HomotopyContinuation.jl.

A system arrives in linnet_crit's exchange form: variable names, parameter names, one stacked
exponent matrix (one row per term, one column per variable and then per parameter), one
coefficient vector and the number of terms of each equation. Every entry point returns plain
arrays in named tuples, so the caller — Python through juliacall, or Julia itself — needs no
HomotopyContinuation type.

HC.jl reads degrees and supports (`paths_to_track`) and decides realness (`certify`) from the
system alone, parameters left symbolic; those entry points therefore first fix the parameters at
the values given ([`at_parameters`](@ref)).

Per path, [`path_table`](@ref) reports: `solutions` (paths × variables), `return_codes` (HC.jl's
return code as a `String`), `residuals`, `accuracies`, `conditions` (condition number of the
Jacobian), `singular`, `multiplicities`, `winding_numbers` (0 when the Cauchy endgame did not
compute one), `steps`, `t`, and `start_solutions` (NaN rows when HC.jl kept no start vector,
as for polyhedral paths).

# Example
```julia
using LinnetCrit
# widths 1,1,1 with X = 1, Y = 2, Λ = (1/2, 1/4):  a b² − 2b + a/2 = 0,  a² b − 2a + b/4 = 0
F = exchange_system(["a", "b"], String[], [1 2; 0 1; 1 0; 2 1; 1 0; 0 1],
                    [1, -2, 0.5, 1, -2, 0.25], [3, 3])
report = solve_system(F; seed = 1)
count(==("success"), report.return_codes)
```
"""
module LinnetCrit

import HomotopyContinuation as HC

export exchange_system,
    at_parameters,
    is_real_system,
    solve_system,
    parameter_homotopy,
    monodromy,
    certify,
    paths_to_track,
    sign_group,
    path_record,
    path_table,
    hc_version

"""
    hc_version() -> String

The version of the loaded HomotopyContinuation.jl.
"""
hc_version() = string(pkgversion(HC))

_names(names::AbstractString) = String.(split(names))
_names(names) = String[string(name) for name in names]

_coefficient(c::Complex) = iszero(imag(c)) ? real(c) : c

function _polynomial(generators, exponents::AbstractMatrix{Int}, coefficients)
    f = HC.Expression(0)
    for k in axes(exponents, 1)
        monomial = prod(
            (generators[i]^exponents[k, i] for i in axes(exponents, 2) if exponents[k, i] != 0);
            init = HC.Expression(1),
        )
        f += _coefficient(coefficients[k]) * monomial
    end
    f
end

"""
    exchange_system(variables, parameters, exponents, coefficients, term_counts) -> HC.System

Build an HC.jl `System` from linnet_crit's exchange form.

`variables` and `parameters` are names (a vector of strings, or one whitespace-separated
string); `exponents` is `terms × (length(variables) + length(parameters))`, `coefficients` has
one entry per row of `exponents`, and `term_counts[k]` rows belong to equation `k`, in order.
Real coefficients are passed to HC.jl as real numbers, so a system with real data is a real
system (which matters for certification of real solutions).
"""
function exchange_system(
    variables,
    parameters,
    exponents::AbstractMatrix,
    coefficients::AbstractVector,
    term_counts::AbstractVector,
)
    vars = HC.Variable[HC.Variable(Symbol(name)) for name in _names(variables)]
    params = HC.Variable[HC.Variable(Symbol(name)) for name in _names(parameters)]
    generators = [vars; params]
    E = Matrix{Int}(exponents)
    c = Vector{ComplexF64}(coefficients)
    counts = Vector{Int}(term_counts)
    size(E, 2) == length(generators) || throw(
        ArgumentError(
            "exponent matrix has $(size(E, 2)) columns for $(length(generators)) variables and parameters",
        ),
    )
    (sum(counts; init = 0) == size(E, 1) == length(c)) || throw(
        ArgumentError(
            "$(size(E, 1)) exponent rows, $(length(c)) coefficients and $(sum(counts; init = 0)) counted terms differ",
        ),
    )
    offsets = cumsum([0; counts])
    equations = [
        _polynomial(generators, E[offsets[k]+1:offsets[k+1], :], c[offsets[k]+1:offsets[k+1]])
        for k in eachindex(counts)
    ]
    HC.System(equations; variables = vars, parameters = params)
end

_rows(points::AbstractMatrix) = [Vector{ComplexF64}(points[k, :]) for k in axes(points, 1)]

function _parameters(F::HC.System, parameters)
    n = HC.nparameters(F)
    if n == 0
        isnothing(parameters) || isempty(parameters) ||
            throw(ArgumentError("the system has no parameters but $(length(parameters)) were given"))
        return nothing
    end
    (isnothing(parameters) || length(parameters) != n) &&
        throw(ArgumentError("the system has $n parameters; give a vector of $n values"))
    Vector{ComplexF64}(parameters)
end

"""
    at_parameters(F, parameters) -> HC.System

`F` with its parameters replaced by `parameters`: a system in the variables of `F` only.
Parameter values with zero imaginary part are substituted as real numbers, so real data give a
system with real coefficients. HC.jl reads degrees and supports (`paths_to_track`) and decides
whether a system is real (`certify`) from the system itself, not from parameter values; this is
how the bridge gives it systems on which those answers are the ones of the data.
"""
function at_parameters(F::HC.System, parameters)
    p = _parameters(F, parameters)
    isnothing(p) && return F
    values = all(iszero ∘ imag, p) ? real.(p) : p
    HC.System(
        HC.subs(HC.expressions(F), HC.parameters(F) => values);
        variables = HC.variables(F),
    )
end

"""
    is_real_system(F) -> Bool

Whether every coefficient of `F` (a system without parameters) is real, read exactly from its
expanded coefficients.
"""
function is_real_system(F::HC.System)
    HC.nparameters(F) == 0 ||
        throw(ArgumentError("fix the parameters first (at_parameters); realness depends on their values"))
    _, coefficients = HC.support_coefficients(F)
    all(c -> all(isreal, c), coefficients)
end

function _start_system(name)
    s = Symbol(name)
    s in (:polyhedral, :total_degree) ||
        throw(ArgumentError("start_system = $name; use :polyhedral or :total_degree"))
    s
end

_default_threading() = Threads.nthreads() > 1

"""
    path_record(r::HC.PathResult) -> NamedTuple

One path as plain data: `solution`, `return_code::String`, `residual`, `accuracy`,
`condition_jacobian`, `singular`, `multiplicity`, `winding_number` (`nothing` if not computed),
`start_solution` (`nothing` unless HC.jl kept a start vector), `steps`, `t`.
"""
function path_record(r::HC.PathResult)
    start = HC.start_solution(r)
    (
        solution = Vector{ComplexF64}(HC.solution(r)),
        return_code = String(r.return_code),
        residual = Float64(HC.residual(r)),
        accuracy = Float64(HC.accuracy(r)),
        condition_jacobian = Float64(r.condition_jacobian),
        singular = HC.is_singular(r),
        multiplicity = HC.multiplicity(r),
        winding_number = HC.winding_number(r),
        start_solution = start isa AbstractVector{<:Number} ? Vector{ComplexF64}(start) : nothing,
        steps = HC.steps(r),
        t = Float64(r.t),
    )
end

"""
    path_table(results, n) -> NamedTuple

The [`path_record`](@ref)s of `results` as one array per field (paths in rows; `n` is the
number of variables).
"""
function path_table(results, n::Integer)
    records = map(path_record, collect(results))
    P = length(records)
    solutions = fill(complex(NaN, NaN), P, n)
    starts = fill(complex(NaN, NaN), P, n)
    for (k, rec) in enumerate(records)
        length(rec.solution) == n && (solutions[k, :] = rec.solution)
        if !isnothing(rec.start_solution) && length(rec.start_solution) == n
            starts[k, :] = rec.start_solution
        end
    end
    (
        solutions = solutions,
        return_codes = String[rec.return_code for rec in records],
        residuals = Float64[rec.residual for rec in records],
        accuracies = Float64[rec.accuracy for rec in records],
        conditions = Float64[rec.condition_jacobian for rec in records],
        singular = Bool[rec.singular for rec in records],
        multiplicities = Int[rec.multiplicity for rec in records],
        winding_numbers = Int[something(rec.winding_number, 0) for rec in records],
        steps = Int[rec.steps for rec in records],
        t = Float64[rec.t for rec in records],
        start_solutions = starts,
    )
end

_seed(seed) = isnothing(seed) ? -1 : Int(seed)

function _report(F::HC.System, results, tracked::Integer, seed)
    merge(
        path_table(results, HC.nvariables(F)),
        (paths_tracked = Int(tracked), seed = _seed(seed), hc_version = hc_version()),
    )
end

"""
    solve_system(F, parameters = nothing; start_system = :polyhedral, seed,
                 threading = Threads.nthreads() > 1, show_progress = false) -> NamedTuple

Solve `F` (at `parameters`, if it has any) from the polyhedral start system (all isolated
solutions in Cⁿ: HC.jl adds the origin to every support) or the total-degree start system.
Returns the [`path_table`](@ref) of every tracked path, `paths_tracked`, `seed` and `hc_version`.
"""
function solve_system(
    F::HC.System,
    parameters = nothing;
    start_system = :polyhedral,
    seed::Integer,
    threading::Bool = _default_threading(),
    show_progress::Bool = false,
)
    result = HC.solve(
        F;
        target_parameters = _parameters(F, parameters),
        start_system = _start_system(start_system),
        seed = UInt32(seed),
        threading = threading,
        show_progress = show_progress,
    )
    _report(F, HC.path_results(result), HC.ntracked(result), HC.seed(result))
end

"""
    parameter_homotopy(F, start_solutions, start_parameters, target_parameters; seed,
                       threading = Threads.nthreads() > 1, show_progress = false) -> NamedTuple

Track the rows of `start_solutions`, solutions of `F` at `start_parameters`, along the straight
line to `target_parameters`. Returns what [`solve_system`](@ref) returns; row `k` of
`start_solutions` in the table is the start of path `k`.
"""
function parameter_homotopy(
    F::HC.System,
    start_solutions::AbstractMatrix,
    start_parameters::AbstractVector,
    target_parameters::AbstractVector;
    seed::Integer,
    threading::Bool = _default_threading(),
    show_progress::Bool = false,
)
    result = HC.solve(
        F,
        _rows(start_solutions);
        start_parameters = _parameters(F, start_parameters),
        target_parameters = _parameters(F, target_parameters),
        seed = UInt32(seed),
        threading = threading,
        show_progress = show_progress,
    )
    _report(F, HC.path_results(result), HC.ntracked(result), HC.seed(result))
end

"""
    sign_group(generators) -> Vector{Vector{Int8}}

Every element except the identity of the group generated by the rows of `generators` (±1
vectors acting by entrywise multiplication, such as linnet_crit's neuron sign flips).
"""
function sign_group(generators::AbstractMatrix)
    n = size(generators, 2)
    identity = ones(Int8, n)
    group = Set{Vector{Int8}}([identity])
    for row in eachrow(generators)
        all(s -> s == 1 || s == -1, row) ||
            throw(ArgumentError("sign vectors must have entries +1 or -1"))
        g = Vector{Int8}(row)
        union!(group, [g .* h for h in group])
    end
    delete!(group, identity)
    sort!(collect(group))
end

"""
    monodromy(F, start_solutions, start_parameters, sign_generators; seed,
              threading = Threads.nthreads() > 1, show_progress = false,
              max_loops_no_progress = 5, target_solutions_count = nothing,
              timeout = nothing) -> NamedTuple

`HC.monodromy_solve` from the start pair (rows of `start_solutions`, `start_parameters`), with
the group generated by the ±1 rows of `sign_generators` as the group action (an empty matrix
means none). With a group action HC.jl keeps one solution per orbit, so the table holds orbit
representatives. Adds `return_code` (HC.jl's), `loops_tracked` and `group_order` to the fields
of [`solve_system`](@ref); the solutions are at `start_parameters`.
"""
function monodromy(
    F::HC.System,
    start_solutions::AbstractMatrix,
    start_parameters::AbstractVector,
    sign_generators::AbstractMatrix;
    seed::Integer,
    threading::Bool = _default_threading(),
    show_progress::Bool = false,
    max_loops_no_progress::Integer = 5,
    target_solutions_count = nothing,
    timeout = nothing,
)
    elements = sign_group(sign_generators)
    action = isempty(elements) ? nothing : (x -> [s .* x for s in elements])
    result = HC.monodromy_solve(
        F,
        _rows(start_solutions),
        _parameters(F, start_parameters);
        group_action = action,
        seed = UInt32(seed),
        threading = threading,
        show_progress = show_progress,
        max_loops_no_progress = Int(max_loops_no_progress),
        target_solutions_count = isnothing(target_solutions_count) ? nothing :
                                 Int(target_solutions_count),
        timeout = isnothing(timeout) ? nothing : Float64(timeout),
    )
    paths = HC.results(result)
    merge(
        _report(F, paths, length(paths), HC.seed(result)),
        (
            return_code = String(result.returncode),
            loops_tracked = result.statistics.tracked_loops[],
            group_order = length(elements) + 1,
        ),
    )
end

"""
    certify(F, solutions, parameters = nothing; threading = Threads.nthreads() > 1,
            show_progress = false, max_precision = 256) -> NamedTuple

Interval-arithmetic (Krawczyk) certification of the rows of `solutions` by `HC.certify`, on `F`
with its parameters fixed at `parameters` ([`at_parameters`](@ref)). HC.jl decides whether the
system is real by evaluating it at a random real point with the parameters left symbolic
(`ModelKit.is_real(F)` in `_certify`, src/certification.jl), which never finds a system with
parameters real: real data would get no certified real solution.

Per row: `certified`, `real` (certified real: the system is real and the box is closed under
conjugation), `distinct` (certified and not a duplicate of an earlier certified row). The counts,
under HC.jl's names `ncertified`, `nreal_certified`, `ndistinct_certified`,
`ndistinct_real_certified`, are computed from these flags. Also `real_system` and `hc_version`.
"""
function certify(
    F::HC.System,
    solutions::AbstractMatrix,
    parameters = nothing;
    threading::Bool = _default_threading(),
    show_progress::Bool = false,
    max_precision::Integer = 256,
)
    G = at_parameters(F, parameters)
    real_system = is_real_system(G)
    result = HC.certify(
        G,
        _rows(solutions);
        show_progress = show_progress,
        threading = threading,
        max_precision = Int(max_precision),
    )
    certificates = HC.certificates(result)
    certified = Bool[HC.is_certified(c) for c in certificates]
    distinct = falses(length(certificates))
    for c in HC.distinct_certificates(result)
        distinct[HC.certificate_index(c)] = true
    end
    distinct = Vector{Bool}(distinct .& certified)
    # HC.jl 2.9 takes its conjugation test as proof of realness whatever the system; the test
    # proves realness only for a real system.
    # (not named `real`: a local of that name would hide Base.real in the whole function)
    proved_real = Vector{Bool}(Bool[real_system && HC.is_real(c) for c in certificates] .& certified)
    (
        certified = certified,
        real = proved_real,
        distinct = distinct,
        ncertified = count(certified),
        nreal_certified = count(proved_real),
        ndistinct_certified = count(distinct),
        ndistinct_real_certified = count(distinct .& proved_real),
        real_system = real_system,
        hc_version = hc_version(),
    )
end

"""
    paths_to_track(F, parameters = nothing; start_system = :polyhedral, only_torus = false) -> Int

The number of paths [`solve_system`](@ref) tracks at `parameters`: for `:polyhedral` the mixed
volume of the supports with the origin added (bounds the isolated solutions in Cⁿ), or with
`only_torus = true` the plain mixed volume (bounds those in (C*)ⁿ); for `:total_degree` the
Bézout number. Random complex `parameters` give the count for generic data.

The parameters are fixed first ([`at_parameters`](@ref)): HC.jl's
`paths_to_track(f, Val(:total_degree))` (src/total_degree.jl) sets every parameter to zero before
reading degrees, and every term of linnet_crit's gradient system contains a parameter (X, Y or
Λ), so on the parametric system it would see only zero polynomials.
"""
function paths_to_track(
    F::HC.System,
    parameters = nothing;
    start_system = :polyhedral,
    only_torus::Bool = false,
)
    s = _start_system(start_system)
    G = at_parameters(F, parameters)
    if s === :polyhedral
        return Int(HC.paths_to_track(G; start_system = :polyhedral, only_torus = only_torus))
    end
    only_torus && throw(ArgumentError("only_torus applies to the polyhedral start system only"))
    Int(HC.paths_to_track(G; start_system = :total_degree))
end

end # module
