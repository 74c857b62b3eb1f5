"""揭榜挂帅 challenges, 在线问诊 consultations, bids, collaborations and the log."""
