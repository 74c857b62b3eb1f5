"""揭榜挂帅: challenges, their lifecycle, search, bids and the award."""
