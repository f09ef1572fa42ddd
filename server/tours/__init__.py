"""Tours: plan a field rep's day (pure planning core in planner.py, travel models in travel.py)."""
