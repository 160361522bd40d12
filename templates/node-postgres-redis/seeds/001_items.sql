-- Synthetic data only: never real customer data outside production.
insert into items (name) values ('first item'), ('second item');
