from allauth.core.internal import ratelimit
from django import forms

# Password guesses on the delete-account form (a stolen session cannot try many).
RATE_ACTION = "delete_account"


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.CharField(label="Type DELETE to confirm", max_length=20)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.user = request, request.user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not ratelimit.consume(
            self.request, app="allauth.account", action=RATE_ACTION, user=self.user
        ):
            raise forms.ValidationError(
                "Too many tries: wait a quarter of an hour, or reset your password first."
            )
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "DELETE":
            raise forms.ValidationError("Type DELETE in capitals to confirm.")
        return "DELETE"
