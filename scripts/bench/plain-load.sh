#!/usr/bin/env bash
# The load peer: plain `LOAD DATA LOCAL INFILE` of the processed orders CSV through the mariadb client,
# one autocommit statement, into the (empty) `orders` table of DATABASE.
#   plain-load.sh CONNECTION_STRING DATABASE PROCESSED.csv
# The connection string is the loader's (ETL_TEST_MYSQL): server, port, user and password come from it.
# Column handling as the loader's (EtlFunction/Database/LoadDataTranscoder.cs): an empty unquoted field of a
# nullable column is NULL, `true`/`false` are 1/0; everything else MySQL parses as written. Unlike the loader,
# a quoted empty string ("") is also NULL here: the orders file has none, so the rows are the same.
set -euo pipefail
conn=$1 db=$2 file=$3
part() { tr ';' '\n' <<<"$conn" | sed -n "s/^$1=//Ip" | head -n 1; }
mariadb --no-defaults --local-infile=1 -h "$(part Server)" -P "$(part Port)" -u "$(part 'User ID')" -p"$(part Password)" "$db" -e "
LOAD DATA LOCAL INFILE '$file' INTO TABLE orders CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' LINES TERMINATED BY '\n' IGNORE 1 LINES
  (order_id, customer_id, @customer_email, @country, amount, @currency, order_date, created_at, @status, @is_gift, @note, quantity)
  SET customer_email = NULLIF(@customer_email, ''), country = NULLIF(@country, ''), currency = NULLIF(@currency, ''),
      status = NULLIF(@status, ''), note = NULLIF(@note, ''), is_gift = (@is_gift = 'true');
SHOW WARNINGS LIMIT 5;"
