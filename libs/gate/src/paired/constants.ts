/**
 * One-sided level of each gating bucket's lower bound: a candidate whose true drop in a bucket is
 * exactly the tolerance passes that bucket at most 5 % of the time (and, with the eval set powered,
 * a drop of twice the tolerance well under 1/1000). No multiplicity correction: promotion needs
 * every gating bucket to pass (intersection–union test, Berger 1982), which keeps the level.
 */
export const GATE_PASS_ALPHA = 0.05;

/**
 * Family-wise level of the fail side: split over the gating buckets (Bonferroni), so a candidate
 * within tolerance everywhere is refused at most 1 % of the time however many buckets gate.
 */
export const GATE_FAIL_ALPHA = 0.01;
