"""Assistance (帮扶): the measures a household receives, by the kinds of POLICY.md §1.

A measure may be recorded against a monitoring case (防返贫监测); 产业, 就业, 公益岗位 and 金融
are 开发式 (development) measures, which a household with working capacity needs before its
risk may be eliminated. Plans, benefits received and the policy library come later.
"""
