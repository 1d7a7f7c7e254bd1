// The planner: desired topology and observed state in, an ordered plan out. (In progress.)
