"""Administrative-penalty disclosure and the wage-arrears blacklist: records, lifecycle rules, pages and open data, the inspectorate import."""
