-- The design's databases, one per service; saga-sim creates its schema and tables in each at start.
CREATE DATABASE order_db;
CREATE DATABASE payment_db;
CREATE DATABASE inventory_db;
