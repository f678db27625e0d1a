1
eval '(Account.Name'
