"""Return-to-poverty monitoring (防止返贫监测): every case from the first clue to risk eliminated.

A clue (农户申请, 干部排查, 部门筛查预警, 媒体/信访) opens a case, or joins the household's open
one; the case then follows the Chongqing procedure (POLICY.md §1): 申请 ▸ 入户核实 ▸ 村级评议 ▸
村内公示 (5 working days) ▸ 乡镇联合审核 ▸ 县级审定 ▸ 纳入监测, or 不予纳入 at any step; then 帮扶
(measures in fupin.assistance) and 风险消除 through the elimination gate and the same review
steps. `transitions.py` is the literal table of who may take which step from which state;
each step is one action in `actions/` writing a timeline row (`events.py`) and an audit
event. The registry's status history stays the one source of a household's category.
Documents and photos are attached to the steps of the timeline, checked by `uploads.py` and
served only through scoped views (docs/monitoring.md).
"""
