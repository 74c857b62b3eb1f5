"""在线问诊: consultations routed to engineers, threaded answers, the best answer and 转为揭榜."""
