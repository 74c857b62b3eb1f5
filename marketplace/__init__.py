"""The marketplace: 揭榜挂帅 challenges and bids, 在线问诊 consultations, awarded work, files, the inbox."""
